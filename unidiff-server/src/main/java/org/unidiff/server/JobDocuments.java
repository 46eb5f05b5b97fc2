package org.unidiff.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.unidiff.api.core.Progress;

/**
 * A job's JSON document, as {@code GET /api/jobs/{id}}, the event stream and the synchronous call
 * answer it: id, task, model, status, progress, batch size, times, result or error, links.
 */
final class JobDocuments {

    private JobDocuments() {
    }

    /** The job as JSON, with its result when {@code withResult} (lists leave it out). */
    static ObjectNode of(ObjectMapper mapper, Job.Snapshot s, boolean withResult) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", s.id());
        n.put("task", s.task());
        n.put("model", s.model());
        n.put("status", s.state().name().toLowerCase(java.util.Locale.ROOT));
        Progress p = s.progress();
        ObjectNode progress = n.putObject("progress");
        double fraction = s.state() == Job.State.DONE ? 1.0 : p == null ? 0.0 : p.fraction();
        progress.put("fraction", fraction);
        if (p != null) {
            progress.put("stage", p.stage());
            // The last progress event comes before the last evaluation ends: a finished job has done them all.
            progress.put("evaluation", s.state() == Job.State.DONE ? p.totalEvaluations() : p.evaluation());
            progress.put("totalEvaluations", p.totalEvaluations());
            progress.put("stageIndex", p.stageIndex());
            progress.put("stageCount", p.stageCount());
        }
        if (s.batchSize() > 0) {
            n.put("batchSize", s.batchSize());
        }
        n.put("submittedAt", s.submittedAt().toString());
        if (s.startedAt() != null) {
            n.put("startedAt", s.startedAt().toString());
        }
        if (s.finishedAt() != null) {
            n.put("finishedAt", s.finishedAt().toString());
            n.put("seconds", s.runSeconds());
        }
        if (withResult && s.result() != null) {
            n.set("result", s.result());
        }
        if (s.error() != null) {
            n.set("error", s.error().toJson(mapper, "/api/jobs/" + s.id()));
        }
        ObjectNode links = n.putObject("links");
        links.put("self", "/api/jobs/" + s.id());
        links.put("events", "/api/jobs/" + s.id() + "/events");
        return n;
    }
}
