package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.delivery.TrackStream;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.transcode.TranscodePolicy;
import dev.cadenza.stream.transcode.Variant;
import dev.cadenza.stream.web.ClientAddress;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code getTranscodeDecision} of OpenSubsonic's {@code transcoding} extension: {@code POST} with
 * the query's {@code mediaId}, {@code mediaType=song} and credentials, and the client's
 * capabilities ({@code ClientInfo}) as a JSON body (at most 64 KiB). The answer, {@code
 * transcodeDecision}, says whether the client plays the original or which transcode, and carries
 * the {@code transcodeParams} of {@code getTranscodeStream} ({@link SubsonicStreamRoute}). The
 * decision is {@link TranscodeDecisions}'.
 */
@RestController
class TranscodeDecisionController {

  static final int MAX_BODY = 64 * 1024;

  private final SubsonicAuthentication authentication;
  private final SubsonicResponses responses;
  private final SubsonicCatalog catalog;
  private final ClientAddress clients;
  private final TranscodePolicy policy;
  private final JsonMapper json;

  TranscodeDecisionController(
      SubsonicAuthentication authentication,
      SubsonicResponses responses,
      SubsonicCatalog catalog,
      ClientAddress clients,
      TranscodePolicy policy,
      JsonMapper json) {
    this.authentication = authentication;
    this.responses = responses;
    this.catalog = catalog;
    this.clients = clients;
    this.policy = policy;
    this.json = json;
  }

  @RequestMapping(
      path = {"/rest/getTranscodeDecision", "/rest/getTranscodeDecision.view"},
      method = {RequestMethod.GET, RequestMethod.POST})
  Mono<ResponseEntity<byte[]>> decide(ServerWebExchange exchange) {
    SubsonicParams params;
    ResponseFormat format;
    try {
      params = SubsonicParams.parse(exchange.getRequest().getURI().getRawQuery(), (String) null);
      format = ResponseFormat.of(params);
    } catch (SubsonicError e) {
      return Mono.just(render(responses.failed(e, ResponseFormat.XML)));
    }
    if (exchange.getRequest().getMethod() != HttpMethod.POST) {
      return Mono.just(
          render(
              responses.failed(
                  SubsonicError.generic(
                      "getTranscodeDecision takes a POST with the client's ClientInfo as JSON"),
                  format)));
    }
    return authentication
        .authenticate(params, clients.of(exchange.getRequest()))
        .flatMap(listener -> body(exchange).map(body -> decision(params, body, listener)))
        .map(node -> render(responses.ok(Node.of("subsonic-response").child(node), format)))
        .onErrorResume(SubsonicError.class, e -> Mono.just(render(responses.failed(e, format))));
  }

  private Node decision(
      SubsonicParams params, String body, dev.cadenza.stream.account.Listener listener) {
    String type = params.required("mediaType");
    if (!type.equals("song")) {
      throw SubsonicError.invalid("mediaType", type, "song (the only media this server has)");
    }
    Track track = catalog.current().track(params.required("mediaId"));
    JsonNode client;
    try {
      client = body.isBlank() ? json.createObjectNode() : json.readTree(body);
    } catch (JacksonException e) {
      throw SubsonicError.generic("The body is not a JSON ClientInfo: " + e.getOriginalMessage());
    }
    if (!client.isObject()) {
      throw SubsonicError.generic("The body must be a JSON object (ClientInfo)");
    }
    TranscodeDecisions.Decision d =
        TranscodeDecisions.decide(track, client, TrackStream.userMaxBitRate(listener), policy);
    Node node =
        Node.of("transcodeDecision")
            .attr("canDirectPlay", d.canDirectPlay())
            .attr("canTranscode", d.canTranscode())
            .attr("transcodeParams", d.params())
            .child(source(track));
    if (!d.reasons().isEmpty()) {
      node.values("transcodeReason", d.reasons());
    }
    if (d.errorReason() != null) {
      node.attr("errorReason", d.errorReason());
    }
    if (d.variant() != null) {
      node.child(transcoded(track, d.variant()));
    }
    return node;
  }

  private static Node source(Track track) {
    Node n =
        Node.of("sourceStream")
            .attr("protocol", "http")
            .attr("container", TranscodeDecisions.container(track))
            .attr("codec", TranscodeDecisions.codec(track));
    if (track.audio().bitrate() != null) {
      n.attr("audioBitrate", track.audio().bitrate() * 1000);
    }
    if (track.audio().sampleRate() != null) {
      n.attr("audioSamplerate", track.audio().sampleRate());
    }
    if (track.audio().channels() != null) {
      n.attr("audioChannels", track.audio().channels());
    }
    return n;
  }

  private static Node transcoded(Track track, Variant v) {
    String container =
        switch (v.format()) {
          case OPUS -> "ogg";
          case MP3 -> "mp3";
          case AAC -> "aac";
          case M4A -> "mp4";
        };
    Integer channels = track.audio().channels();
    return Node.of("transcodeStream")
        .attr("protocol", "http")
        .attr("container", container)
        .attr("codec", v.format().codec())
        .attr("audioBitrate", v.bitRate() * 1000)
        .attr("audioChannels", channels != null && channels == 1 ? 1 : 2);
  }

  private static Mono<String> body(ServerWebExchange exchange) {
    return DataBufferUtils.join(exchange.getRequest().getBody(), MAX_BODY)
        .map(
            buffer -> {
              try {
                return buffer.toString(StandardCharsets.UTF_8);
              } finally {
                DataBufferUtils.release(buffer);
              }
            })
        .onErrorMap(
            e -> !(e instanceof SubsonicError),
            e -> SubsonicError.generic("The body is larger than " + MAX_BODY + " bytes"))
        .defaultIfEmpty("");
  }

  private static ResponseEntity<byte[]> render(SubsonicResponses.Rendered rendered) {
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType(rendered.contentType()))
        .cacheControl(CacheControl.noStore())
        .body(rendered.body());
  }
}
