package org.unidiff.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The table printer, the rows and the targets. */
class ResultTableTest {

    private static Rate rate(int hits, int count) {
        Rate r = new Rate();
        for (int i = 0; i < count; i++) {
            r.add(i < hits);
        }
        return r;
    }

    @Test
    void textTableAlignsColumnsAndShowsVerdicts() {
        ResultTable table = ResultTable.ofMetrics("Quality", List.of(
                MetricRow.fraction("text->image", "all stated attributes", rate(170, 200), Target.atLeast(0.80)),
                MetricRow.number("image only", "distinct scenes", 97, 300, Target.atLeast(100)),
                MetricRow.fraction("text only", "captions that parse", rate(0, 0), Target.none())));
        table.addNote("seed 7");
        String expected = String.join("\n",
                "Quality",
                "task         metric                 value  count  target   pass/fail",
                "-----------  ---------------------  -----  -----  -------  ---------",
                "text->image  all stated attributes  0.850  200    >= 0.80  pass",
                "image only   distinct scenes        97     300    >= 100   FAIL",
                "text only    captions that parse    -      0      -",
                "seed 7", "");
        assertEquals(expected, table.toText());
    }

    @Test
    void markdownEscapesPipesAndListsNotes() {
        ResultTable table = new ResultTable("Speed", List.of("task", "java ms"));
        table.addRow(List.of("a|b", "1.5")).addNote("median of 5");
        assertEquals("### Speed\n\n| task | java ms |\n| --- | --- |\n| a\\|b | 1.5 |\n\n- median of 5\n",
                table.toMarkdown());
    }

    @Test
    void csvQuotesCellsWithCommasAndQuotes() {
        ResultTable table = new ResultTable("t", List.of("metric", "value"));
        table.addRow(List.of("no drop > 0.02, rising", "say \"hi\""));
        assertEquals("metric,value\n\"no drop > 0.02, rising\",\"say \"\"hi\"\"\"\n", table.toCsv());
    }

    @Test
    void rowsMustFitTheHeader() {
        ResultTable table = new ResultTable("t", List.of("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> table.addRow(List.of("only one")));
        assertThrows(IllegalArgumentException.class, () -> new ResultTable("t", List.of()));
    }

    @Test
    void targetsJudgeValuesAndNeverPassAnEmptyMetric() {
        Target t = Target.atLeast(0.8);
        assertEquals(">= 0.80", t.text());
        assertEquals(Verdict.PASS, t.judge(0.8, 10));
        assertEquals(Verdict.FAIL, t.judge(0.79, 10));
        assertEquals(Verdict.NO_DATA, t.judge(Double.NaN, 0));
        assertEquals(Verdict.NONE, Target.none().judge(0.1, 10));
        assertEquals(Verdict.NONE, Target.notJudged("needs 300").judge(0.1, 10));
        assertEquals("n/a", MetricRow.fraction("x", "y", rate(0, 0), t).verdict().text());
    }

    @Test
    void rateIsHitsOverTrials() {
        Rate r = rate(3, 8);
        assertEquals(0.375, r.value());
        assertEquals("3/8", r.toString());
        assertEquals(Double.NaN, new Rate().value());
    }

    @Test
    void guidanceTrendRisesWithinTolerance() {
        assertEquals(true, GuidanceTrend.rises(new double[] {0.1, 0.4, 0.7, 0.69}, 0.02));
        assertEquals(false, GuidanceTrend.rises(new double[] {0.1, 0.4, 0.7, 0.6}, 0.02));
        assertEquals(false, GuidanceTrend.rises(new double[] {0.5, 0.5, 0.5}, 0.02), "flat is not rising");
        assertEquals(false, GuidanceTrend.rises(new double[] {0.5, 0.2}, 0.02));
        assertThrows(IllegalArgumentException.class, () -> GuidanceTrend.rises(new double[] {0.5}, 0.02));
        assertThrows(IllegalArgumentException.class, () -> GuidanceTrend.rises(new double[] {0.5, Double.NaN}, 0.02));
    }

    @Test
    void guidanceVerdictReadsTheScalesUpToTheDefault() {
        List<Double> listed = List.of(0.0, 1.0, 3.0, 7.0);
        assertEquals(listed, GuidanceTrend.withDefault(listed, 3.0));
        assertEquals(List.of(0.0, 1.0, 2.0, 3.0, 7.0), GuidanceTrend.withDefault(listed, 2.0));
        assertEquals(List.of(0.0, 1.0, 3.0, 7.0, 9.0), GuidanceTrend.withDefault(listed, 9.0));
        assertEquals(2, GuidanceTrend.judged(listed, 1.0), "0 and 1 are read, 3 and 7 only printed");
        assertEquals(4, GuidanceTrend.judged(listed, 7.0));
        assertEquals(4, GuidanceTrend.judged(listed, 0.0), "a default of 0 has nothing to rise to: read all");
        assertThrows(IllegalArgumentException.class, () -> GuidanceTrend.judged(listed, 2.0));
    }
}
