package dev.cadenza.stream.config;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.core.convert.converter.Converter;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * Reads sizes written either way: Kubernetes quantities ({@code 512Mi}, {@code 1Gi}, {@code 500M},
 * {@code 256Ki}), as the operator passes them on from the MusicDelivery spec, or Spring's notation
 * ({@code 512MB}, {@code 256KB}, binary multiples). A plain number is bytes.
 */
@Component
@ConfigurationPropertiesBinding
public class QuantityToDataSize implements Converter<String, DataSize> {

  private static final Pattern QUANTITY =
      Pattern.compile("(\\d+(?:\\.\\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)");

  private static final Map<String, Long> MULTIPLIERS =
      Map.of(
          "Ki", 1L << 10,
          "Mi", 1L << 20,
          "Gi", 1L << 30,
          "Ti", 1L << 40,
          "k", 1_000L,
          "K", 1_000L,
          "M", 1_000_000L,
          "G", 1_000_000_000L,
          "T", 1_000_000_000_000L);

  @Override
  public DataSize convert(String source) {
    String text = source.strip();
    Matcher m = QUANTITY.matcher(text);
    if (m.matches()) {
      BigDecimal bytes =
          new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(MULTIPLIERS.get(m.group(2))));
      return DataSize.ofBytes(bytes.longValue());
    }
    try {
      return DataSize.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + source + "' is not a size: use e.g. 512Mi, 256Ki, 512MB or a number of bytes", e);
    }
  }
}
