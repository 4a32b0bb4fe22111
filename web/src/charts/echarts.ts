// ECharts, tree-shaken: only the charts and components the dashboard draws, on the canvas renderer.
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export { echarts };

/**
 * Returns whether charts may animate: not for a user who asked for reduced motion, and not under automation
 * (browser tests read the charts right after an update, and must see the final state).
 */
export function chartsAnimate(): boolean {
  return !navigator.webdriver && !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/** Colours shared by the charts and the page (the same as styles.css). */
export const COLORS = {
  equity: '#2563eb',
  im: '#d97706',
  mm: '#b91c1c',
  loss: '#b91c1c',
  gain: '#15803d',
  neutral: '#f8fafc',
  price: '#0f172a',
  grid: '#e2e8f0',
  text: '#334155',
};
