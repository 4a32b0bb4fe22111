// Public API of the pricing layer.
export { normalCdf, normalPdf } from './normal.js';
export {
  black76Greeks,
  black76Price,
  discountFactor,
  type Black76Greeks,
  type Black76Input,
  type OptionType,
} from './black76.js';
export { inverseOptionGreeks, inverseOptionPrice } from './inverse.js';
export {
  impliedVol,
  IMPLIED_VOL_MAX,
  IMPLIED_VOL_MIN,
  IMPLIED_VOL_PRICE_REL_TOL,
  type ImpliedVolArgs,
} from './impliedVol.js';
export {
  interpolateStrikeVol,
  sviTotalVariance,
  sviVol,
  validateSviParams,
  type StrikeVolPoint,
  type SviParams,
} from './smile.js';
export { forwardPrice, yearFraction } from './forward.js';
