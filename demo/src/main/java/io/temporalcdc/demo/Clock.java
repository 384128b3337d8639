package io.temporalcdc.demo;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** UTC wall-clock times with PostgreSQL's microsecond precision, as Temporal writes its TIMESTAMP columns. */
final class Clock {

    private Clock() {}

    static LocalDateTime nowUtc() {
        return LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
