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

/** Money for people: "500 RUB", "12.50 RUB" (EN) and "500 ₽", "12,50 ₽" (RU). */
export const formatMoney = (amountMinor: bigint, currency: string, exponent: number): EffectDescription => {
  const scale = 10n ** BigInt(exponent);
  const negative = amountMinor < 0n;
  const magnitude = negative ? -amountMinor : amountMinor;
  const whole = magnitude / scale;
  const fraction = magnitude % scale;
  const text =
    (negative ? '-' : '') +
    (fraction === 0n ? `${whole}` : `${whole}.${fraction.toString().padStart(exponent, '0')}`);
  return {
    description: `${text} ${currency}`,
    descriptionRu: `${toRussianNumber(text)} ${currency === 'RUB' ? '₽' : currency}`,
  };
};

/** 1 штука, 2 штуки, 5 штук. */
const pluralizeItemsRu = (count: bigint): string => {
  const lastTwo = count % 100n;
  const last = count % 10n;
  if (last === 1n && lastTwo !== 11n) return 'штука';
  if (last >= 2n && last <= 4n && (lastTwo < 12n || lastTwo > 14n)) return 'штуки';
  return 'штук';
};

/** 1 штамп, 2 штампа, 5 штампов. */
const pluralizeStampsRu = (count: bigint): string => {
  const lastTwo = count % 100n;
  const last = count % 10n;
  if (last === 1n && lastTwo !== 11n) return 'штамп';
  if (last >= 2n && last <= 4n && (lastTwo < 12n || lastTwo > 14n)) return 'штампа';
  return 'штампов';
};

export const describeAmountOff = (campaignName: string, money: EffectDescription): EffectDescription => ({
  description: `${campaignName}: ${money.description} off`,
  descriptionRu: `${campaignName}: скидка ${money.descriptionRu}`,
});

export const describeEarnRate = (
  campaignName: string,
  rate: string,
  currency: string,
): EffectDescription => ({
  description: `${campaignName}: ${rate} ${rate === '1' ? 'point' : 'points'} per 1 ${currency}`,
  descriptionRu: `${campaignName}: ${toRussianNumber(rate)} ${pluralizePointsRu(rate.includes('.') ? 2n : BigInt(rate))} за 1 ${currency === 'RUB' ? '₽' : currency}`,
});

export const describeFreeItems = (
  campaignName: string,
  buy: bigint,
  free: bigint,
  freeUnits: bigint,
): EffectDescription => ({
  description: `${campaignName}: buy ${buy}, get ${free} free — ${freeUnits} ${freeUnits === 1n ? 'item' : 'items'} free`,
  descriptionRu: `${campaignName}: ${buy} + ${free} в подарок — бесплатно ${freeUnits} ${pluralizeItemsRu(freeUnits)}`,
});

export const describeBundle = (
  campaignName: string,
  bundles: bigint,
  price: EffectDescription,
): EffectDescription => ({
  description: `${campaignName}: set for ${price.description} × ${bundles}`,
  descriptionRu: `${campaignName}: комплект за ${price.descriptionRu} × ${bundles}`,
});

export const describeStamps = (
  campaignName: string,
  added: bigint,
  freeUnits: bigint,
  progress: bigint,
  every: bigint,
): EffectDescription => {
  const freeEn = freeUnits > 0n ? `, ${freeUnits} free` : '';
  const freeRu = freeUnits > 0n ? `, бесплатно ${freeUnits} ${pluralizeItemsRu(freeUnits)}` : '';
  return {
    description: `${campaignName}: +${added} ${added === 1n ? 'stamp' : 'stamps'}${freeEn}; card ${progress} of ${every - 1n}`,
    descriptionRu: `${campaignName}: +${added} ${pluralizeStampsRu(added)}${freeRu}; на карточке ${progress} из ${every - 1n}`,
  };
};

export const describeThreshold = (
  campaignName: string,
  reward: EffectDescription | null,
  rewardPoints: bigint,
  progress: EffectDescription,
  threshold: EffectDescription,
): EffectDescription => {
  const gotEn = [
    reward ? `${reward.description} off` : null,
    rewardPoints > 0n ? `+${rewardPoints} points` : null,
  ]
    .filter(Boolean)
    .join(', ');
  const gotRu = [
    reward ? `скидка ${reward.descriptionRu}` : null,
    rewardPoints > 0n ? `+${rewardPoints} ${describePointsRu(rewardPoints)}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    description: `${campaignName}: ${gotEn ? `${gotEn}; ` : ''}${progress.description} of ${threshold.description} towards the next reward`,
    descriptionRu: `${campaignName}: ${gotRu ? `${gotRu}; ` : ''}до следующей награды накоплено ${progress.descriptionRu} из ${threshold.descriptionRu}`,
  };
};

export const describeFreeDelivery = (campaignName: string): EffectDescription => ({
  description: `${campaignName}: free delivery`,
  descriptionRu: `${campaignName}: бесплатная доставка`,
});

export const describeIssueCoupon = (campaignName: string): EffectDescription => ({
  description: `${campaignName}: a personal coupon for the next purchase`,
  descriptionRu: `${campaignName}: персональный купон на следующую покупку`,
});
