package io.temporalcdc.runtime;

import java.util.List;

/** Configuration that cannot be used: every problem found, each naming its setting. */
public final class InvalidConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public InvalidConfigException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** The problems, one per setting, each starting with the setting's name. */
    public List<String> problems() {
        return problems;
    }
}
