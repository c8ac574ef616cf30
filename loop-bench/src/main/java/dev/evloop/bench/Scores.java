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
    /** One measured score: operations per second and its error (99.9%). */
    record Score(String benchmark, Map<String, String> params, double value, double error) {
        String param(String name) {
            return params.get(name);
        }
    }

    private final List<Score> scores;

    Scores(List<Score> scores) {
        this.scores = scores;
    }

    /** Reads JMH's results: a score per benchmark ({@code Class.method}) and parameters. */
    static Scores of(Collection<RunResult> results) {
        List<Score> list = new ArrayList<>();
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            String name = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.', p.getBenchmark().lastIndexOf('.') - 1) + 1);
            Map<String, String> params = new TreeMap<>();
            for (String key : p.getParamsKeys()) {
                params.put(key, p.getParam(key));
            }
            Result<?> primary = r.getPrimaryResult();
            list.add(new Score(name, params, primary.getScore(), primary.getScoreError()));
        }
        return new Scores(list);
    }

    /** Every score of a benchmark ({@code Class.method}). */
    List<Score> all(String benchmark) {
        return scores.stream().filter(s -> s.benchmark().equals(benchmark)).toList();
    }

    /** The score of a benchmark with these parameters, or NaN if it was not run. */
    double get(String benchmark, Map<String, String> params) {
        for (Score s : scores) {
            if (s.benchmark().equals(benchmark) && s.params().entrySet().containsAll(params.entrySet())) {
                return s.value();
            }
        }
        return Double.NaN;
    }

    /** The values a parameter took among the scores of a benchmark, in the order they were run. */
    List<String> values(String benchmark, String param) {
        return all(benchmark).stream().map(s -> s.param(param)).distinct().toList();
    }
}
