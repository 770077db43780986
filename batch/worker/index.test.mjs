// The worker's tests: node --test batch/worker (Node.js 18 or newer, no packages).
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeHandler, parseJob, resultKey, KINDS } from "./index.mjs";

const now = () => new Date("2026-12-03T04:05:06Z");
const record = (id, body, extra = {}) => ({
  messageId: id, body, eventSource: "aws:sqs",
  attributes: { ApproximateReceiveCount: "1", SentTimestamp: "1764734706000" }, ...extra,
});

function harness(failKeys = []) {
  const stored = new Map();
  const errors = [];
  const handler = makeHandler({
    bucket: "tastylog-dev-results-123456789012", prefix: "results/", now,
    log: { error: (line) => errors.push(JSON.parse(line)) },
    put: async (bucket, key, body) => {
      if (failKeys.some((k) => key.includes(k))) throw new Error("S3 is down");
      stored.set(`${bucket}/${key}`, JSON.parse(body));
    },
  });
  return { handler, stored, errors };
}

test("each job's result lands under results/<day>/<message id>.json", async () => {
  const { handler, stored } = harness();
  const out = await handler({ Records: [record("m1", JSON.stringify({ kind: "review-digest", restaurantId: "42" }))] });
  assert.deepEqual(out, { batchItemFailures: [] });
  const result = stored.get("tastylog-dev-results-123456789012/results/2026-12-03/m1.json");
  assert.equal(result.jobId, "m1");
  assert.equal(result.kind, "review-digest");
  assert.deepEqual(result.input, { kind: "review-digest", restaurantId: "42" });
  assert.equal(result.processedAt, "2026-12-03T04:05:06.000Z");
  assert.equal(result.enqueuedAt, "2025-12-03T04:05:06.000Z");
  assert.equal(result.attempt, 1);
});

test("only the messages that failed are reported, so only they return to the queue", async () => {
  const { handler, stored, errors } = harness(["m3"]);
  const out = await handler({
    Records: [
      record("m1", JSON.stringify({ kind: "ping" })),
      record("m2", "not json"),
      record("m3", JSON.stringify({ kind: "ping" })),
      record("m4", JSON.stringify({ kind: "drop-tables" })),
      record("m5", JSON.stringify(["ping"])),
    ],
  });
  assert.deepEqual(out.batchItemFailures.map((f) => f.itemIdentifier), ["m2", "m3", "m4", "m5"]);
  assert.equal(stored.size, 1);
  assert.deepEqual(errors.map((e) => e.messageId), ["m2", "m3", "m4", "m5"]);
  assert.match(errors[2].error, /unknown job kind "drop-tables"/);
});

test("an empty batch is no failure", async () => {
  const { handler } = harness();
  assert.deepEqual(await handler({ Records: [] }), { batchItemFailures: [] });
});

test("parseJob and resultKey", () => {
  assert.throws(() => parseJob("{"), /not JSON/);
  assert.throws(() => parseJob("null"), /not a JSON object/);
  assert.deepEqual(parseJob('{"kind":"ping"}'), { kind: "ping" });
  assert.equal(resultKey("results/", "abc", now()), "results/2026-12-03/abc.json");
  assert.deepEqual(KINDS, ["review-digest", "ping"]);
});
