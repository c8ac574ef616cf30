package dev.evloop.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An echo workload's shape: how many connections each server gets and how large each message is.
 * Written {@code CONNECTIONSxSIZE}, the size in bytes or with a {@code KiB} suffix:
 * {@code 50x1024}, {@code 500x16KiB}.
 *
 * @param connections connections to each server, 1 or more
 * @param size        message size in bytes, 1 or more
 */
record Shape(int connections, int size) {
    private static final Pattern TEXT = Pattern.compile("(\\d{1,6})x(\\d{1,9})(KiB)?");
    /** The most connections a shape may ask for: each server's and the client's descriptors stay well in bounds. */
    static final int MAX_CONNECTIONS = 2000;
    /** The largest message a shape may ask for. */
    static final int MAX_SIZE = 4 * 1024 * 1024;

    Shape {
        if (connections < 1 || connections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("connections: " + connections + " is not between 1 and " + MAX_CONNECTIONS);
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("size: " + size + " is not between 1 and " + MAX_SIZE + " bytes");
        }
    }

    /**
     * Parses {@code CONNECTIONSxSIZE}.
     *
     * @param flag what the text came from, named in the exception
     * @throws IllegalArgumentException naming {@code flag} if the text is not a shape or is out of bounds
     */
    static Shape parse(String flag, String text) {
        Matcher m = TEXT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(flag + ": '" + text + "' is not CONNECTIONSxSIZE (e.g. 50x1024 or 500x16KiB)");
        }
        long size = Long.parseLong(m.group(2)) * (m.group(3) == null ? 1 : 1024);
        try {
            return new Shape(Integer.parseInt(m.group(1)), (int) Math.min(size, Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": '" + text + "': " + e.getMessage(), e);
        }
    }

    /**
     * Parses a comma-separated list of shapes, keeping their order and dropping repeats.
     *
     * @throws IllegalArgumentException naming {@code flag} if the list is empty or any shape is not one
     */
    static List<Shape> parseList(String flag, String text) {
        List<Shape> shapes = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            Shape s = parse(flag, part);
            if (!shapes.contains(s)) {
                shapes.add(s);
            }
        }
        return List.copyOf(shapes);
    }

    /** For people: {@code 50 connections, 1 KiB}. */
    String label() {
        return connections + (connections == 1 ? " connection, " : " connections, ") + sizeLabel(size);
    }

    /** The form {@link #parse} reads: {@code 50x1KiB}. */
    @Override
    public String toString() {
        return connections + "x" + (size % 1024 == 0 ? size / 1024 + "KiB" : Integer.toString(size));
    }

    /** {@code 64 B}, {@code 16 KiB}. */
    static String sizeLabel(int bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : String.format(Locale.ROOT, "%d B", bytes);
    }
}
