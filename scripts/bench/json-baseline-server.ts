import { startBaselineServer, type BaselineServer } from "./baseline-server";

// The collector's baseline: the least an event-collecting endpoint can do — read a JSON body, parse it, answer
// 204 with the CORS header a browser needs. The collector's figures are printed as a ratio to this, measured in
// the same process and run (not judged: the budgets are absolute).
export function startJsonBaselineServer(): Promise<BaselineServer> {
  return startBaselineServer((_req, body) => {
    let ok = true;
    try {
      JSON.parse(body.toString("utf8"));
    } catch {
      ok = false;
    }
    return { status: ok ? 204 : 400, headers: { "Access-Control-Allow-Origin": "*", "Content-Length": "0" } };
  });
}
