package io.spotmatch.book;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecimalTest {

    @Test
    void parsesPlainDecimals() {
        assertThat(Decimal.parse("65000.10")).isEqualTo(new Decimal(6_500_010, 2));
        assertThat(Decimal.parse("0.00125")).isEqualTo(new Decimal(125, 5));
        assertThat(Decimal.parse("-3")).isEqualTo(new Decimal(-3, 0));
        assertThat(Decimal.parse("9223372036854775807")).isEqualTo(new Decimal(Long.MAX_VALUE, 0));
        assertThat(Decimal.parse("0.000000000000000001")).isEqualTo(new Decimal(1, 18));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "-",
                ".",
                "1.",
                ".5",
                "1.2.3",
                "1e5",
                "+1",
                "NaN",
                "Infinity",
                "0x10",
                " 1",
                "1 ",
                "9223372036854775808",
                "0.0000000000000000001",
                "1,5"
            })
    void refusesAnythingElse(String text) {
        assertThatThrownBy(() -> Decimal.parse(text)).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void formatsWithItsScale() {
        assertThat(Decimal.format(5, 3)).isEqualTo("0.005");
        assertThat(Decimal.format(-12345, 2)).isEqualTo("-123.45");
        assertThat(Decimal.format(0, 5)).isEqualTo("0.00000");
        assertThat(Decimal.format(100, 0)).isEqualTo("100");
        assertThat(Decimal.format(Long.MIN_VALUE, 2)).isEqualTo("-92233720368547758.08");
        assertThat(Decimal.parse("65000.10").toString()).isEqualTo("65000.10");
    }

    @Test
    void convertsToUnitsOnlyWhenExact() {
        Decimal d = Decimal.parse("1.50");
        assertThat(d.unitsAt(2)).isEqualTo(150);
        assertThat(d.unitsAt(1)).isEqualTo(15);
        assertThat(d.unitsAt(0)).isEqualTo(Long.MIN_VALUE);
        assertThat(d.unitsAt(18)).isEqualTo(1_500_000_000_000_000_000L);
        assertThat(Decimal.parse("9.2").unitsAt(18)).isEqualTo(9_200_000_000_000_000_000L);
        assertThat(Decimal.parse("9.3").unitsAt(18)).isEqualTo(Long.MIN_VALUE);
        assertThat(Decimal.parse("-9.3").unitsAt(18)).isEqualTo(Long.MIN_VALUE);
        assertThat(Decimal.parse("9.2").unitsAt(17)).isEqualTo(920_000_000_000_000_000L);
        assertThat(Decimal.parse("-9.2").unitsAt(17)).isEqualTo(-920_000_000_000_000_000L);
    }

    @Test
    void comparesNumerically() {
        assertThat(Decimal.parse("1.5").numericallyEquals(Decimal.parse("1.500")))
                .isTrue();
        assertThat(Decimal.parse("1.5").compareTo(Decimal.parse("1.49"))).isPositive();
        assertThat(Decimal.parse("9223372036854775807").compareTo(Decimal.parse("0.1")))
                .isPositive();
        assertThat(Decimal.parse("1.500").stripTrailingZeros()).isEqualTo(new Decimal(15, 1));
    }
}
