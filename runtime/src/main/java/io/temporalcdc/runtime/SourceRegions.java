package io.temporalcdc.runtime;

import io.temporalcdc.schemas.Topics;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The regions a stream app reads changes from, declared once for every app: {@value #REGIONS} (empty: one region,
 * the local one) and {@value #LOCAL_REGION}, the region whose Kafka the app runs against. The local region's change
 * topic of a table is {@code <prefix>.<schema>.<table>}; another region r's is MirrorMaker 2's copy {@code
 * r.<prefix>.<schema>.<table>} ({@link Topics#mirrored}).
 *
 * @param local the local region ("" when the app runs in one unnamed region)
 * @param regions every region read, the local one first
 */
public record SourceRegions(String local, List<String> regions) {
    /** The regions read. */
    public static final String REGIONS = "regions";
    /** The region whose Kafka the app reads. */
    public static final String LOCAL_REGION = "local.region";

    /** A region's name: letters, digits, '_' or '-' (cdc-source's {@code region}). */
    public static final Pattern REGION = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    public SourceRegions {
        Objects.requireNonNull(local, "local");
        regions = List.copyOf(regions);
        if (regions.isEmpty() || !regions.get(0).equals(local)) {
            throw new IllegalArgumentException("the local region comes first: " + regions);
        }
    }

    /** @return one unnamed region: the app reads its own change topics only */
    public static SourceRegions single() {
        return new SourceRegions("", List.of(""));
    }

    /**
     * @return {@code def} with {@value #REGIONS} and {@value #LOCAL_REGION} defined, both empty by default
     * @param what what the app does with the other regions' changes, for the documentation
     */
    public static ConfigDef define(ConfigDef def, String what) {
        return def.define(
                        REGIONS,
                        Type.LIST,
                        "",
                        (name, value) -> {
                            @SuppressWarnings("unchecked")
                            List<String> regions = (List<String>) value;
                            if (new LinkedHashSet<>(regions).size() != regions.size()) {
                                throw new ConfigException(name, value, "a region is named twice");
                            }
                            regions.forEach(r -> {
                                if (!REGION.matcher(r).matches()) {
                                    throw new ConfigException(
                                            name, r, "a region is letters, digits, '_' or '-' (cdc-source's region)");
                                }
                            });
                        },
                        Importance.MEDIUM,
                        "The regions whose changes this reads, as each cdc-source's region setting and MirrorMaker 2's"
                                + " cluster aliases name them (e.g. us-east-1,eu-west-1); empty: the local region"
                                + " only. The local region's change topics are <prefix>.<schema>.<table>, another"
                                + " region r's are MirrorMaker 2's copies r.<prefix>.<schema>.<table>. " + what)
                .define(
                        LOCAL_REGION,
                        Type.STRING,
                        "",
                        Importance.MEDIUM,
                        "The region whose Kafka this runs against, one of regions (required when regions is set).");
    }

    /**
     * @return the regions of {@code config}
     * @throws ConfigException when regions is set and local.region is not one of them
     */
    public static SourceRegions of(AbstractConfig config) {
        List<String> regions = config.getList(REGIONS);
        String local = config.getString(LOCAL_REGION).strip();
        if (regions.isEmpty()) {
            if (!local.isEmpty() && !REGION.matcher(local).matches()) {
                throw new ConfigException(LOCAL_REGION, local, "a region is letters, digits, '_' or '-'");
            }
            return new SourceRegions(local, List.of(local));
        }
        if (!regions.contains(local)) {
            throw new ConfigException(
                    LOCAL_REGION, local, "must be one of regions " + regions + " (the region this app runs in)");
        }
        List<String> ordered = new java.util.ArrayList<>(List.of(local));
        regions.stream().filter(r -> !r.equals(local)).forEach(ordered::add);
        return new SourceRegions(local, ordered);
    }

    /** Whether other regions' changes are read too. */
    public boolean multiple() {
        return regions.size() > 1;
    }

    /** @return region → its change topic of the table whose local topic is {@code localTopic}, local region first */
    public Map<String, String> topics(String localTopic) {
        Map<String, String> topics = new LinkedHashMap<>();
        for (String region : regions) {
            topics.put(region, region.equals(local) ? localTopic : Topics.mirrored(region, localTopic));
        }
        return topics;
    }

    /** @return every region's change topic of each of {@code localTopics} */
    public List<String> allTopics(List<String> localTopics) {
        return localTopics.stream()
                .flatMap(topic -> topics(topic).values().stream())
                .toList();
    }

    /**
     * @return the region whose change topic {@code topic} is, given the local topics it may be a copy of
     * @throws IllegalArgumentException when it is none of theirs
     */
    public String regionOf(String topic, List<String> localTopics) {
        for (String localTopic : localTopics) {
            for (Map.Entry<String, String> entry : topics(localTopic).entrySet()) {
                if (entry.getValue().equals(topic)) {
                    return entry.getKey();
                }
            }
        }
        throw new IllegalArgumentException("not a change topic of regions " + regions + ": " + topic);
    }
}
