package org.unidiff.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A titled table of rows of text cells, printed aligned for a terminal, as GitHub markdown or as CSV. Both
 * benchmarks print through it, so the table a run prints and the file it writes with {@code --out} agree.
 */
public final class ResultTable {

    private final String title;
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** A table with the given column names. */
    public ResultTable(String title, List<String> header) {
        this.title = Objects.requireNonNull(title, "title");
        if (header == null || header.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.header = List.copyOf(header);
    }

    /** The quality table's columns: task, metric, value, count, target, pass/fail. */
    public static ResultTable ofMetrics(String title, List<MetricRow> metrics) {
        ResultTable table = new ResultTable(title, List.of("task", "metric", "value", "count", "target", "pass/fail"));
        for (MetricRow m : metrics) {
            table.addRow(List.of(m.task(), m.metric(), m.formattedValue(), Integer.toString(m.count()), m.target(),
                    m.verdict().text()));
        }
        return table;
    }

    /** Appends a row; it must have one cell per column. */
    public ResultTable addRow(List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException("row has " + cells.size() + " cells, the table has " + header.size()
                    + " columns " + header);
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    /** Adds a line printed under the table (what was run, on which bundle). */
    public ResultTable addNote(String note) {
        notes.add(Objects.requireNonNull(note, "note"));
        return this;
    }

    /** The rows added so far. */
    public List<List<String>> rows() {
        return List.copyOf(rows);
    }

    /** Aligned columns for a terminal: the title, the header, a rule, the rows, then the notes. */
    public String toText() {
        int[] widths = widths();
        StringBuilder out = new StringBuilder(title).append('\n');
        appendAligned(out, header, widths);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            rule.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
        }
        out.append(rule).append('\n');
        for (List<String> row : rows) {
            appendAligned(out, row, widths);
        }
        for (String note : notes) {
            out.append(note).append('\n');
        }
        return out.toString();
    }

    /** A GitHub markdown table under a heading, the notes as a list below it. */
    public String toMarkdown() {
        StringBuilder out = new StringBuilder("### ").append(title).append("\n\n");
        out.append(markdownLine(header));
        List<String> rule = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            rule.add("---");
        }
        out.append(markdownLine(rule));
        for (List<String> row : rows) {
            out.append(markdownLine(row));
        }
        if (!notes.isEmpty()) {
            out.append('\n');
            for (String note : notes) {
                out.append("- ").append(note).append('\n');
            }
        }
        return out.toString();
    }

    /** RFC 4180 CSV: the header line, then one line per row; notes are left out. */
    public String toCsv() {
        StringBuilder out = new StringBuilder();
        out.append(csvLine(header));
        for (List<String> row : rows) {
            out.append(csvLine(row));
        }
        return out.toString();
    }

    private int[] widths() {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
        }
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        return widths;
    }

    private static void appendAligned(StringBuilder out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line.append("  ");
            }
            String cell = cells.get(i);
            line.append(cell).append(" ".repeat(widths[i] - cell.length()));
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private static String markdownLine(List<String> cells) {
        StringBuilder line = new StringBuilder("|");
        for (String cell : cells) {
            // A bare pipe would split the cell; ">=" and "->" are fine in GitHub markdown.
            line.append(' ').append(cell.replace("|", "\\|")).append(" |");
        }
        return line.append('\n').toString();
    }

    private static String csvLine(List<String> cells) {
        List<String> quoted = new ArrayList<>(cells.size());
        for (String cell : cells) {
            boolean quote = cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r");
            quoted.add(quote ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell);
        }
        return String.join(",", quoted) + "\n";
    }
}
