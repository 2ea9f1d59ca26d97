package dev.cadenza.stream.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cadenza.protocol.catalog.ReplayGain;
import org.springframework.boot.jackson.JacksonMixin;

/** The JSON shape of {@link ReplayGain}: only the values the file gives (docs/api.md). */
@JacksonMixin(ReplayGain.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
interface ReplayGainJson {}
