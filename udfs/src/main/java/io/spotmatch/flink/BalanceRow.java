package io.spotmatch.flink;

import java.math.BigDecimal;

/** A row of the {@code balances} table; {@code version} counts the movements applied, so replays never go back. */
public record BalanceRow(long account, String asset, BigDecimal available, BigDecimal held, long version) {}
