package dev.evloop.process;

import dev.evloop.streams.StreamReader;
import dev.evloop.streams.StreamWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a child process is started: where its stdin, stdout and stderr go, its working directory,
 * its environment and the limit of its stream readers. The keyword arguments of asyncio's
 * {@code create_subprocess_exec} and {@code loop.subprocess_exec}. Immutable; each {@code with}
 * method returns a copy.
 *
 * <pre>{@code
 * SubprocessOptions options = SubprocessOptions.defaults()
 *         .withStdin(Stdio.PIPE).withStdout(Stdio.PIPE).withStderr(Stdio.STDOUT)
 *         .withDirectory(Path.of("/tmp"))
 *         .withAddedEnvironment(Map.of("LC_ALL", "C"));
 * }</pre>
 *
 * @param stdin       where the child's stdin comes from
 * @param stdout      where the child's stdout goes
 * @param stderr      where the child's stderr goes ({@link Stdio#STDOUT}: with stdout)
 * @param directory   the working directory, or {@code null} for the parent's
 * @param environment the variables to add, or with {@code replaceEnvironment} the whole environment
 * @param replaceEnvironment whether {@code environment} replaces the parent's instead of adding to it
 * @param limit       the buffer limit of the stdout and stderr {@link StreamReader}s, in bytes
 */
public record SubprocessOptions(Stdio stdin, Stdio stdout, Stdio stderr, Path directory,
                                Map<String, String> environment, boolean replaceEnvironment, int limit) {

    /**
     * Checks and copies the arguments.
     *
     * @throws NullPointerException if a stream or {@code environment} is null, or a variable's
     *         name or value, naming it
     * @throws IllegalArgumentException if stdin or stdout is {@link Stdio#STDOUT}, {@code limit}
     *         is not positive, or a variable's name is empty or holds {@code '='} or NUL, or its
     *         value holds NUL
     */
    public SubprocessOptions {
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        if (stdin == Stdio.STDOUT || stdout == Stdio.STDOUT) {
            throw new IllegalArgumentException("only stderr can be Stdio.STDOUT, got "
                    + (stdin == Stdio.STDOUT ? "stdin" : "stdout") + "=STDOUT");
        }
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        Objects.requireNonNull(environment, "environment");
        environment.forEach(SubprocessOptions::checkVariable);
        environment = Map.copyOf(environment);
    }

    /**
     * asyncio's {@code create_subprocess_exec} defaults: the three streams inherited, the
     * parent's directory and environment, a 64 KiB limit.
     *
     * @return the defaults
     */
    public static SubprocessOptions defaults() {
        return new SubprocessOptions(Stdio.INHERIT, Stdio.INHERIT, Stdio.INHERIT, null, Map.of(), false,
                StreamReader.DEFAULT_LIMIT);
    }

    /**
     * The defaults with the three streams piped to the parent, as asyncio's
     * {@code loop.subprocess_exec} defaults them.
     *
     * @return the options
     */
    public static SubprocessOptions pipes() {
        return defaults().withStdin(Stdio.PIPE).withStdout(Stdio.PIPE).withStderr(Stdio.PIPE);
    }

    /**
     * A copy that gives the child another stdin: asyncio's {@code stdin=}.
     *
     * @param stdin where stdin comes from
     * @return a copy with it
     */
    public SubprocessOptions withStdin(Stdio stdin) {
        return new SubprocessOptions(stdin, stdout, stderr, directory, environment, replaceEnvironment, limit);
    }

    /**
     * A copy that sends the child's stdout elsewhere: asyncio's {@code stdout=}.
     *
     * @param stdout where stdout goes
     * @return a copy with it
     */
    public SubprocessOptions withStdout(Stdio stdout) {
        return new SubprocessOptions(stdin, stdout, stderr, directory, environment, replaceEnvironment, limit);
    }

    /**
     * A copy that sends the child's stderr elsewhere: asyncio's {@code stderr=}.
     *
     * @param stderr where stderr goes
     * @return a copy with it
     */
    public SubprocessOptions withStderr(Stdio stderr) {
        return new SubprocessOptions(stdin, stdout, stderr, directory, environment, replaceEnvironment, limit);
    }

    /**
     * A copy that runs the child in another working directory: asyncio's {@code cwd=}.
     *
     * @param directory the working directory, or {@code null} for the parent's
     * @return a copy with it
     */
    public SubprocessOptions withDirectory(Path directory) {
        return new SubprocessOptions(stdin, stdout, stderr, directory, environment, replaceEnvironment, limit);
    }

    /** Here, not when the child starts, as the JDK's environment would; asyncio's exec refuses the same. */
    private static void checkVariable(String name, String value) {
        Objects.requireNonNull(name, "environment: a variable's name is null");
        if (value == null) {
            throw new NullPointerException("environment: the variable " + name + " has a null value");
        }
        if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("environment: a variable's name cannot be empty or hold '=' or NUL, got \""
                    + name.replace("\0", "\\0") + "\"");
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("environment: the value of " + name + " holds a NUL character");
        }
    }

    /**
     * The parent's environment plus these variables (replacing any of the same name).
     *
     * @param added the variables
     * @return a copy with them, after any added before
     * @throws NullPointerException if {@code added} is null, or a name or value in it
     * @throws IllegalArgumentException if a name is empty or holds {@code '='} or NUL, or a value
     *         holds NUL
     */
    public SubprocessOptions withAddedEnvironment(Map<String, String> added) {
        Map<String, String> all = new LinkedHashMap<>(environment);
        all.putAll(Objects.requireNonNull(added, "added"));
        return new SubprocessOptions(stdin, stdout, stderr, directory, all, replaceEnvironment, limit);
    }

    /**
     * Exactly these variables, none of the parent's: asyncio's {@code env=}.
     *
     * @param environment the whole environment
     * @return a copy with it
     * @throws NullPointerException if {@code environment} is null, or a name or value in it
     * @throws IllegalArgumentException if a name is empty or holds {@code '='} or NUL, or a value
     *         holds NUL
     */
    public SubprocessOptions withEnvironment(Map<String, String> environment) {
        return new SubprocessOptions(stdin, stdout, stderr, directory, environment, true, limit);
    }

    /**
     * A copy with another buffer limit for the stream readers: asyncio's {@code limit=}.
     *
     * @param limit the stream readers' buffer limit in bytes, as asyncio's {@code limit=}
     * @return a copy with it
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    public SubprocessOptions withLimit(int limit) {
        return new SubprocessOptions(stdin, stdout, stderr, directory, environment, replaceEnvironment, limit);
    }

    /**
     * Where one of a child's standard streams goes: asyncio's {@code subprocess.PIPE},
     * {@code DEVNULL}, {@code STDOUT}, {@code None} (here {@link #INHERIT}) or a file.
     *
     * @param kind which of them
     * @param file the file of {@link Kind#FILE}, else {@code null}
     */
    public record Stdio(Kind kind, Path file) {
        /** A pipe to the parent: a {@link StreamWriter} for stdin, a {@link StreamReader} otherwise. */
        public static final Stdio PIPE = new Stdio(Kind.PIPE, null);
        /** {@code /dev/null}: an empty stdin, or output thrown away. */
        public static final Stdio DEVNULL = new Stdio(Kind.DEVNULL, null);
        /** The parent's own stream. */
        public static final Stdio INHERIT = new Stdio(Kind.INHERIT, null);
        /** For stderr only: into the same place as stdout. */
        public static final Stdio STDOUT = new Stdio(Kind.STDOUT, null);

        /**
         * Checks the arguments.
         *
         * @throws NullPointerException if {@code kind} is null, or {@code file} with {@link Kind#FILE}
         * @throws IllegalArgumentException if {@code file} is given with another kind
         */
        public Stdio {
            Objects.requireNonNull(kind, "kind");
            if ((kind == Kind.FILE) != (file != null)) {
                Objects.requireNonNull(file, "file");
                throw new IllegalArgumentException("file is only for Kind.FILE, got " + kind + " with " + file);
            }
        }

        /**
         * A file: read as stdin, or written (created or truncated) as stdout or stderr.
         *
         * @param file the file
         * @return the choice
         * @throws NullPointerException if {@code file} is null
         */
        public static Stdio file(Path file) {
            return new Stdio(Kind.FILE, Objects.requireNonNull(file, "file"));
        }

        /** The kinds of {@link Stdio}. */
        public enum Kind {
            /** See {@link Stdio#PIPE}. */
            PIPE,
            /** See {@link Stdio#DEVNULL}. */
            DEVNULL,
            /** See {@link Stdio#INHERIT}. */
            INHERIT,
            /** See {@link Stdio#STDOUT}. */
            STDOUT,
            /** See {@link Stdio#file(Path)}. */
            FILE
        }
    }
}
