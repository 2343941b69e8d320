import { runFunnelVolumeContract } from "./funnel-volume-contract";
import { openTestPostgres } from "./support";

runFunnelVolumeContract("postgres", openTestPostgres);
