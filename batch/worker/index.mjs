// The batch worker: Lambda hands it the queue's jobs in batches; it works each one, writes the result to
// the results bucket, and reports the messages it could not finish (ReportBatchItemFailures), so only
// those return to the queue and, after batchMaxReceives tries, go to the dead-letter queue.

// KINDS are the jobs the worker knows; the API's model admits the same ones.
export const KINDS = ["review-digest", "ping"];

// parseJob reads a message body as a job, or throws why it is not one.
export function parseJob(body) {
  let job;
  try {
    job = JSON.parse(body);
  } catch {
    throw new Error("the message body is not JSON");
  }
  if (typeof job !== "object" || job === null || Array.isArray(job)) {
    throw new Error("the job is not a JSON object");
  }
  if (!KINDS.includes(job.kind)) {
    throw new Error(`unknown job kind ${JSON.stringify(job.kind)}; known: ${KINDS.join(", ")}`);
  }
  return job;
}

// resultKey is where a job's result lands: <prefix><yyyy-mm-dd>/<message id>.json, by the day it ran.
export function resultKey(prefix, messageId, now) {
  return `${prefix}${now.toISOString().slice(0, 10)}/${messageId}.json`;
}

// work does the job. The path is what this repository owns; the app's own work replaces this body.
export function work(job, record, now) {
  const sent = Number(record.attributes?.SentTimestamp);
  return {
    jobId: record.messageId,
    kind: job.kind,
    input: job,
    source: record.eventSource === "aws:sqs" ? "queue" : "unknown",
    attempt: Number(record.attributes?.ApproximateReceiveCount ?? 1),
    enqueuedAt: Number.isFinite(sent) ? new Date(sent).toISOString() : null,
    processedAt: now.toISOString(),
  };
}

// makeHandler builds the Lambda handler around put(bucket, key, body), which stores one result.
export function makeHandler({ put, bucket, prefix, now = () => new Date(), log = console }) {
  return async (event) => {
    const batchItemFailures = [];
    for (const record of event.Records ?? []) {
      try {
        const at = now();
        const result = work(parseJob(record.body), record, at);
        await put(bucket, resultKey(prefix, record.messageId, at), JSON.stringify(result));
      } catch (err) {
        log.error(JSON.stringify({ messageId: record.messageId, error: String(err?.message ?? err) }));
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

// The Node.js runtime carries the AWS SDK for JavaScript v3; it is loaded on first use, so the tests,
// which hand the handler their own put, need none.
let client;
async function s3Put(bucket, key, body) {
  const { S3Client, PutObjectCommand } = await import("@aws-sdk/client-s3");
  client ??= new S3Client({});
  await client.send(new PutObjectCommand({
    Bucket: bucket, Key: key, Body: body, ContentType: "application/json",
    ExpectedBucketOwner: process.env.RESULTS_BUCKET_OWNER,
  }));
}

export const handler = makeHandler({
  put: s3Put,
  bucket: process.env.RESULTS_BUCKET,
  prefix: process.env.RESULTS_PREFIX ?? "results/",
});
