import { describe, expect, it } from "vitest";
import { COLLECT_SHED_REASON, createCollectAdmission, type CollectShedReason } from "../../app/collector/collect-admission";

// The collector's admission (docs/decisions/0033) without HTTP: when it sheds, for which reason, and that every
// shed request is counted once. collector-shedding.test.ts holds the same over real HTTP against the build.

function admissionWith(maxInFlight: number) {
  const state = { pressing: false, shed: [] as CollectShedReason[] };
  const admission = createCollectAdmission({ webhooksPressing: () => state.pressing, maxInFlight, shed: (reason) => state.shed.push(reason) });
  return { admission, state };
}

describe("createCollectAdmission", () => {
  it("sheds before the body and at admission while webhooks press, counting each", () => {
    const { admission, state } = admissionWith(8);
    expect(admission.beforeBody()).toBeNull();
    state.pressing = true;
    expect(admission.beforeBody()).toBe(COLLECT_SHED_REASON.webhookPressure);
    expect(admission.admit()).toEqual({ admitted: false, reason: COLLECT_SHED_REASON.webhookPressure });
    expect(admission.inFlight()).toBe(0);
    expect(state.shed).toEqual(["webhook_pressure", "webhook_pressure"]);
  });

  it("admits up to the cap, sheds beyond it, and admits again once a slot is released (a slot released twice counts once)", () => {
    const { admission, state } = admissionWith(2);
    const first = admission.admit();
    const second = admission.admit();
    expect([first.admitted, second.admitted]).toEqual([true, true]);
    expect(admission.admit()).toEqual({ admitted: false, reason: COLLECT_SHED_REASON.collectorBusy });
    if (first.admitted) {
      first.release();
      first.release();
    }
    expect(admission.inFlight()).toBe(1);
    expect(admission.admit().admitted).toBe(true);
    expect(admission.admit().admitted).toBe(false);
    expect(state.shed).toEqual(["collector_busy", "collector_busy"]);
  });

  it("webhook pressure wins over a free slot: nothing is admitted while webhooks press", () => {
    const { admission, state } = admissionWith(100);
    state.pressing = true;
    expect(admission.admit().admitted).toBe(false);
    state.pressing = false;
    expect(admission.admit().admitted).toBe(true);
  });
});
