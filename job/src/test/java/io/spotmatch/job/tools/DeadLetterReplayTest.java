package io.spotmatch.job.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.job.CommandLine.InvalidOptionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeadLetterReplayTest {

    @Test
    void aDryRunUnlessToldOtherwise() {
        assertThat(DeadLetterReplay.settings(new String[0]).dryRun()).isTrue();
        assertThat(DeadLetterReplay.settings(new String[] {"--dry-run", "false"})
                        .dryRun())
                .isFalse();
        assertThat(DeadLetterReplay.settings(new String[] {"--dry-run", "FALSE"})
                        .dryRun())
                .isFalse();
        assertThat(DeadLetterReplay.settings(new String[0]).force()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "1", "tru", "no", "0", ""})
    void booleansAreTrueOrFalseOnly(String value) {
        for (String option : new String[] {"--dry-run", "--force", "--rekey"}) {
            assertThatThrownBy(() -> DeadLetterReplay.settings(new String[] {option, value}))
                    .isInstanceOf(InvalidOptionException.class)
                    .hasMessageStartingWith(option + (value.isEmpty() ? "" : ": cannot read '" + value + "'"));
        }
    }

    @Test
    void commandTypesAreThoseOfTheOrdersTopicOnly() {
        assertThat(DeadLetterReplay.settings(new String[] {"--command-type", "CANCEL_ALL"})
                        .commandType())
                .isEqualTo("CANCEL_ALL");
        assertThatThrownBy(() -> DeadLetterReplay.settings(new String[] {"--command-type", "SYMBOL"}))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("--command-type must be one of NEW, CANCEL, AMEND, CANCEL_ALL (SYMBOL commands are never"
                        + " replayed)");
    }
}
