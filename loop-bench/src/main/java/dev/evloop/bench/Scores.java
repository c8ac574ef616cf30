package dev.evloop.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/** JMH's results as a lookup by benchmark and parameters, the shape the report reads them in. */
final class Scores {
    /**
     * One measured score: operations per second and its error (99.9%), and the server thread's CPU
     * microseconds per operation where {@link EchoMeter} measured them (else NaN).
     */
    record Score(String benchmark, Map<String, String> params, double value, double error, double serverCpu) {
        String param(String name) {
            return params.get(name);
        }
    }

    private final List<Score> scores;

    Scores(List<Score> scores) {
        this.scores = scores;
    }

    /**
     * Reads JMH's results. An echo fork's primary score (every server mixed) is dropped: each server
     * it measured, from {@link EchoMeter}'s results, becomes a score of its own, with
     * {@code backend} and {@code style} parameters.
     */
    static Scores of(Collection<RunResult> results) {
        List<Score> list = new ArrayList<>();
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            String name = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.', p.getBenchmark().lastIndexOf('.') - 1) + 1);
            Map<String, String> params = new TreeMap<>();
            for (String key : p.getParamsKeys()) {
                params.put(key, p.getParam(key));
            }
            Map<String, Result> secondary = r.getSecondaryResults();
            boolean perStyle = false;
            for (Map.Entry<String, Result> e : secondary.entrySet()) {
                String key = e.getKey();
                if (key.startsWith(EchoMeter.PREFIX) && !key.endsWith(EchoMeter.CPU)) {
                    perStyle = true;
                    String[] lane = key.substring(EchoMeter.PREFIX.length()).split("\\.", 2); // backend.style
                    Map<String, String> server = new TreeMap<>(params);
                    server.remove("backends");
                    server.put("backend", lane[0]);
                    server.put("style", lane[1]);
                    Result<?> cpu = secondary.get(key + EchoMeter.CPU);
                    list.add(new Score(name, server, e.getValue().getScore(), e.getValue().getScoreError(),
                            cpu == null ? Double.NaN : cpu.getScore()));
                }
            }
            if (!perStyle) {
                Result<?> primary = r.getPrimaryResult();
                list.add(new Score(name, params, primary.getScore(), primary.getScoreError(), Double.NaN));
            }
        }
        return new Scores(list);
    }

    /** Every score of a benchmark ({@code Class.method}). */
    List<Score> all(String benchmark) {
        return scores.stream().filter(s -> s.benchmark().equals(benchmark)).toList();
    }

    /** The score of a benchmark with these parameters, or NaN if it was not run. */
    double get(String benchmark, Map<String, String> params) {
        Score s = find(benchmark, params);
        return s == null ? Double.NaN : s.value();
    }

    /** The server's CPU microseconds per operation of a benchmark with these parameters, or NaN. */
    double serverCpu(String benchmark, Map<String, String> params) {
        Score s = find(benchmark, params);
        return s == null ? Double.NaN : s.serverCpu();
    }

    private Score find(String benchmark, Map<String, String> params) {
        for (Score s : scores) {
            if (s.benchmark().equals(benchmark) && s.params().entrySet().containsAll(params.entrySet())) {
                return s;
            }
        }
        return null;
    }

    /** The values a parameter took among the scores of a benchmark, in the order they were run. */
    List<String> values(String benchmark, String param) {
        return all(benchmark).stream().map(s -> s.param(param)).distinct().toList();
    }
}
