// Cashier screens and receipts show these lines verbatim, in English or Russian.

export type EffectDescription = { readonly description: string; readonly descriptionRu: string };

/** Russian uses a decimal comma. */
const toRussianNumber = (decimal: string): string => decimal.replace('.', ',');

/** 1 балл, 2 балла, 5 баллов, 11 баллов, 21 балл … */
export const pluralizePointsRu = (points: bigint | number): string => {
  const n = BigInt(points) < 0n ? -BigInt(points) : BigInt(points);
  const lastTwo = n % 100n;
  const last = n % 10n;
  if (last === 1n && lastTwo !== 11n) return 'балл';
  if (last >= 2n && last <= 4n && (lastTwo < 12n || lastTwo > 14n)) return 'балла';
  return 'баллов';
};

// The adjective agrees too: 1 бонусный балл, 2 бонусных балла, 5 бонусных баллов.
const describePointsRu = (points: bigint): string => {
  const noun = pluralizePointsRu(points);
  return noun === 'балл' ? `бонусный ${noun}` : `бонусных ${noun}`;
};

export const describeTierDiscount = (tierName: string, percent: string): EffectDescription => ({
  description: `${tierName} tier: ${percent}% off`,
  descriptionRu: `Уровень «${tierName}»: скидка ${toRussianNumber(percent)}%`,
});

export const describeTierMultiplier = (tierName: string, multiplier: string): EffectDescription => ({
  description: `${tierName} tier: points ×${multiplier}`,
  descriptionRu: `Уровень «${tierName}»: баллы ×${toRussianNumber(multiplier)}`,
});

export const describeCampaignDiscount = (campaignName: string, percent: string): EffectDescription => ({
  description: `${campaignName}: ${percent}% off`,
  descriptionRu: `${campaignName}: скидка ${toRussianNumber(percent)}%`,
});

export const describeCampaignMultiplier = (campaignName: string, multiplier: string): EffectDescription => ({
  description: `${campaignName}: points ×${multiplier}`,
  descriptionRu: `${campaignName}: баллы ×${toRussianNumber(multiplier)}`,
});

export const describeBonusPoints = (campaignName: string, points: bigint): EffectDescription => ({
  description: `${campaignName}: +${points} bonus ${points === 1n ? 'point' : 'points'}`,
  descriptionRu: `${campaignName}: +${points} ${describePointsRu(points)}`,
});
