// The baseline of the Deno rows: an edge function that makes the same S3 GET as the sample, unsigned, and streams
// the answer back the same way. What the sample costs above this is fedkit's (and its signature's) own cost.
export default async () => {
  const object = await fetch(`${Netlify.env.get("REPORTS_BUCKET_URL")}/reports/latest.csv`);
  return new Response(object.body, {
    headers: {
      "content-type": object.headers.get("content-type") ?? "application/octet-stream",
      "cache-control": "private, no-store",
    },
  });
};
