import { getAppContext } from "../context.server";
import { checkHealth } from "../observability/health.server";

export async function loader() {
  const report = await checkHealth(await getAppContext());
  return Response.json(report, { status: report.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
