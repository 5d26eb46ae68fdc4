import type { CampaignSimulation } from './types';

export const SIMULATION_DAYS = [7, 30, 90, 365] as const;

export type SimulationSummary = {
  /** Share of the scanned receipts the campaign would have reached, 0–1; null with no receipts. */
  reachedShare: number | null;
  /** Extra discount plus the money value of the extra points. */
  totalCostMinor: number;
  /** What one reached receipt would have cost on average (rounded half up); null when none. */
  costPerReceiptMinor: number | null;
};

/** The figures a marketer weighs before activating: reach as a share and the cost in money. */
export function summarizeSimulation(sim: CampaignSimulation): SimulationSummary {
  const totalCostMinor = sim.cost.discountMinor + sim.cost.pointsValueMinor;
  return {
    reachedShare: sim.receiptsScanned > 0 ? sim.reached.receipts / sim.receiptsScanned : null,
    totalCostMinor,
    costPerReceiptMinor: sim.reached.receipts > 0 ? Math.round(totalCostMinor / sim.reached.receipts) : null,
  };
}

/** ?simulate=30 on a campaign link runs the simulation for 30 days as the page opens. */
export function simulateDaysFrom(search: string): number | null {
  const value = Number(new URLSearchParams(search).get('simulate'));
  return (SIMULATION_DAYS as readonly number[]).includes(value) ? value : null;
}
