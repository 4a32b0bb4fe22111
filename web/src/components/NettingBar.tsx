// IM netted against IM as the sum of its parts: the gap between the two is the capital netting frees.
interface Props {
  sumOfParts: number;
  netted: number;
}

export function NettingBar({ sumOfParts, netted }: Props) {
  const scale = Math.max(sumOfParts, netted);
  const width = scale > 0 ? (netted / scale) * 100 : 0;
  return (
    <div class="netting-bar" aria-hidden="true">
      <span class="seg seg-netted" style={{ width: `${width.toFixed(2)}%` }} />
    </div>
  );
}
