package org.unidiff.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Writes result tables to the {@code --out} file: CSV for a {@code .csv} name, markdown otherwise. */
public final class TableOutput {

    private TableOutput() {
    }

    /** Writes the tables, CSV ones separated by a blank line, creating parent folders. */
    public static void write(Path file, List<ResultTable> tables) throws IOException {
        boolean csv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        String text = tables.stream().map(t -> csv ? t.toCsv() : t.toMarkdown()).collect(Collectors.joining("\n"));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
