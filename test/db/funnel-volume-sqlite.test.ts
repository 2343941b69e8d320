import { runFunnelVolumeContract } from "./funnel-volume-contract";
import { openTestSqlite } from "./support";

runFunnelVolumeContract("sqlite", openTestSqlite);
