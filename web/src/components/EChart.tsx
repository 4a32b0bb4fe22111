// One ECharts chart in a div: created on mount, given each new option whole, resized with its container,
// disposed on unmount. The chart is a picture; every figure it shows is also in text beside it.
import { useEffect, useRef } from 'preact/hooks';
import { chartsAnimate, echarts } from '../charts/echarts';

type Option = Parameters<ReturnType<typeof echarts.init>['setOption']>[0];

interface Props {
  option: Option;
  /** What the chart shows, for screen readers. */
  label: string;
  height: number;
  testId?: string;
}

export function EChart({ option, label, height, testId }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | undefined>(undefined);

  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const instance = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ animation: chartsAnimate(), ...option }, { notMerge: true });
  }, [option]);

  return (
    <div
      ref={ref}
      class="chart"
      role="img"
      aria-label={label}
      style={{ height: `${height}px` }}
      data-testid={testId}
    />
  );
}
