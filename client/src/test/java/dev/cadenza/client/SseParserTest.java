package dev.cadenza.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.client.SseParser.Message;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

  static List<Message> parse(String stream) throws Exception {
    List<Message> messages = new ArrayList<>();
    new SseParser(messages::add).readAll(new BufferedReader(new StringReader(stream)));
    return messages;
  }

  @Test
  void eventIdAndDataMakeOneMessage() throws Exception {
    assertThat(parse("event: play\nid: 7\ndata: {\"a\":1}\n\n"))
        .containsExactly(new Message("play", "{\"a\":1}", "7"));
  }

  @Test
  void dataLinesJoinWithNewlines() throws Exception {
    assertThat(parse("data: first\ndata:second\ndata:  third\n\n"))
        .containsExactly(new Message("message", "first\nsecond\n third", null));
  }

  @Test
  void commentsAreIgnored() throws Exception {
    assertThat(parse(": keep-alive\n\n:another\nevent: pause\n: in between\ndata: x\n\n"))
        .containsExactly(new Message("pause", "x", null));
  }

  @Test
  void crlfAndLoneCrEndLinesToo() throws Exception {
    assertThat(parse("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\rdata: 3\n\n"))
        .containsExactly(
            new Message("a", "1", null),
            new Message("b", "2", null),
            new Message("message", "3", null));
  }

  @Test
  void theLastIdPersistsUntilChangedAndAnEmptyIdClearsIt() throws Exception {
    assertThat(parse("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n"))
        .containsExactly(
            new Message("message", "a", "1"),
            new Message("message", "b", "1"),
            new Message("message", "c", null));
  }

  @Test
  void anEventWithoutDataIsNotDispatchedButItsIdCounts() throws Exception {
    List<Message> messages = new ArrayList<>();
    SseParser parser = new SseParser(messages::add);
    parser.readAll(new BufferedReader(new StringReader("event: play\nid: 9\n\n")));
    assertThat(messages).isEmpty();
    assertThat(parser.lastEventId()).isEqualTo("9");
  }

  @Test
  void anUnfinishedEventAtTheEndIsDropped() throws Exception {
    assertThat(parse("data: complete\n\ndata: cut off"))
        .containsExactly(new Message("message", "complete", null));
  }

  @Test
  void retryIsReadWhenItIsDigitsOnly() throws Exception {
    SseParser parser = new SseParser(m -> {});
    parser.readAll(new BufferedReader(new StringReader("retry: 1500\n\nretry: 2s\n\n")));
    assertThat(parser.retryMillis()).isEqualTo(1500);
  }

  @Test
  void fieldWithoutColonAndUnknownFieldsAndBom() throws Exception {
    assertThat(parse("\uFEFFdata\nfoo: bar\n\n")).containsExactly(new Message("message", "", null));
  }

  @Test
  void aLaterConnectionStartsFromTheEarlierLastId() throws Exception {
    List<Message> messages = new ArrayList<>();
    new SseParser(messages::add, "41").readAll(new BufferedReader(new StringReader("data: x\n\n")));
    assertThat(messages).containsExactly(new Message("message", "x", "41"));
  }
}
