import { runFunnelVolumeContract } from "./funnel-volume-contract.ts";
import { openTestSqlite } from "./support.ts";

runFunnelVolumeContract("sqlite", openTestSqlite);
