package io.temporalcdc.invalidator.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.temporalcdc.runtime.sink.SinkOutcome;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class InvalidationWriterTest {

    @Test
    void shouldRetryWhatAFailoverOrAnOutageCauses() {
        assertThat(InvalidationWriter.failure(new RedisConnectionException("Connection refused")))
                .isInstanceOf(SinkOutcome.Retry.class);
        assertThat(InvalidationWriter.failure(new CompletionException(new RedisCommandTimeoutException("5 s"))))
                .isInstanceOf(SinkOutcome.Retry.class);
        assertThat(InvalidationWriter.failure(
                        new RedisCommandExecutionException("READONLY You can't write against a read only replica.")))
                .isInstanceOf(SinkOutcome.Retry.class);
        assertThat(InvalidationWriter.failure(
                        new RedisCommandExecutionException("LOADING Redis is loading the dataset in memory")))
                .isInstanceOf(SinkOutcome.Retry.class);
        assertThat(InvalidationWriter.failure(new WalPosition.WalPositionException(
                        "pg_current_wal_lsn() on jdbc:postgresql://db/t failed: refused", new SQLException("refused"))))
                .isEqualTo(new SinkOutcome.Retry("pg_current_wal_lsn() on jdbc:postgresql://db/t failed: refused"));
    }

    @Test
    void shouldStopOnWhatEveryWriteWouldMeet() {
        assertThat(InvalidationWriter.failure(new RedisCommandExecutionException(
                        "NOPERM User invalidator has no permissions to run the 'evalsha' command")))
                .isInstanceOf(SinkOutcome.Fatal.class);
        assertThat(InvalidationWriter.failure(new RedisCommandExecutionException("WRONGPASS invalid password")))
                .isInstanceOf(SinkOutcome.Fatal.class);
        // a script that fails, as Redis 7 words it, and as Redis 6 did
        assertThat(InvalidationWriter.failure(new RedisCommandExecutionException(
                        "ERR user_script:30: Script attempted to access nonexistent global variable 'x'")))
                .isInstanceOf(SinkOutcome.Fatal.class);
        assertThat(InvalidationWriter.failure(new RedisCommandExecutionException(
                        "ERR Error running script (call to f_0123): @user_script:30: oops")))
                .isInstanceOf(SinkOutcome.Fatal.class);
    }
}
