import type { Rule } from '../../../shared/dockerfile/types';
import { rule as dl3000 } from './rules/dl3000';
import { rule as dl3001 } from './rules/dl3001';
import { rule as dl3002 } from './rules/dl3002';
import { rule as dl3003 } from './rules/dl3003';
import { rule as dl3004 } from './rules/dl3004';
import { rule as dl3006 } from './rules/dl3006';
import { rule as dl3007 } from './rules/dl3007';
import { rule as dl3008 } from './rules/dl3008';
import { rule as dl3009 } from './rules/dl3009';
import { rule as dl3011 } from './rules/dl3011';
import { rule as dl3012 } from './rules/dl3012';
import { rule as dl3013 } from './rules/dl3013';
import { rule as dl3014 } from './rules/dl3014';
import { rule as dl3015 } from './rules/dl3015';
import { rule as dl3016 } from './rules/dl3016';
import { rule as dl3018 } from './rules/dl3018';
import { rule as dl3019 } from './rules/dl3019';
import { rule as dl3020 } from './rules/dl3020';
import { rule as dl3021 } from './rules/dl3021';
import { rule as dl3022 } from './rules/dl3022';
import { rule as dl3023 } from './rules/dl3023';
import { rule as dl3024 } from './rules/dl3024';
import { rule as dl3025 } from './rules/dl3025';
import { rule as dl3026 } from './rules/dl3026';
import { rule as dl3027 } from './rules/dl3027';
import { rule as dl3028 } from './rules/dl3028';
import { rule as dl3029 } from './rules/dl3029';
import { rule as dl3030 } from './rules/dl3030';
import { rule as dl3032 } from './rules/dl3032';
import { rule as dl3033 } from './rules/dl3033';
import { rule as dl3038 } from './rules/dl3038';
import { rule as dl3040 } from './rules/dl3040';
import { rule as dl3041 } from './rules/dl3041';
import { rule as dl3042 } from './rules/dl3042';
import { rule as dl3043 } from './rules/dl3043';
import { rule as dl3045 } from './rules/dl3045';
import { rule as dl3046 } from './rules/dl3046';
import { rule as dl3047 } from './rules/dl3047';
import { rule as dl3048 } from './rules/dl3048';
import { rule as dl3057 } from './rules/dl3057';
import { rule as dl3059 } from './rules/dl3059';
import { rule as dl3060 } from './rules/dl3060';
import { rule as dl3061 } from './rules/dl3061';
import { rule as dl4000 } from './rules/dl4000';
import { rule as dl4001 } from './rules/dl4001';
import { rule as dl4003 } from './rules/dl4003';
import { rule as dl4004 } from './rules/dl4004';
import { rule as dl4005 } from './rules/dl4005';
import { rule as dl4006 } from './rules/dl4006';

/**
 * Every rule, by hadolint id. Adding a rule: a folder under `rules/` (index.ts, readme.md,
 * index.spec.ts) and one line here; `api.spec.ts` checks the rest.
 * @see https://github.com/hadolint/hadolint#rules
 */
export const rules: ReadonlyMap<string, Rule> = new Map(
  [
    dl3000,
    dl3001,
    dl3002,
    dl3003,
    dl3004,
    dl3006,
    dl3007,
    dl3008,
    dl3009,
    dl3011,
    dl3012,
    dl3013,
    dl3014,
    dl3015,
    dl3016,
    dl3018,
    dl3019,
    dl3020,
    dl3021,
    dl3022,
    dl3023,
    dl3024,
    dl3025,
    dl3026,
    dl3027,
    dl3028,
    dl3029,
    dl3030,
    dl3032,
    dl3033,
    dl3038,
    dl3040,
    dl3041,
    dl3042,
    dl3043,
    dl3045,
    dl3046,
    dl3047,
    dl3048,
    dl3057,
    dl3059,
    dl3060,
    dl3061,
    dl4000,
    dl4001,
    dl4003,
    dl4004,
    dl4005,
    dl4006,
  ].map((rule) => [rule.id, rule]),
);
