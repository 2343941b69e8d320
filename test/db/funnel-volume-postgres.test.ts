import { runFunnelVolumeContract } from "./funnel-volume-contract.ts";
import { openTestPostgres } from "./support.ts";

runFunnelVolumeContract("postgres", openTestPostgres);
