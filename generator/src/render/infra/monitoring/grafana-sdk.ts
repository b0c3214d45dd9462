/*
 * The Grafana Foundation SDK publishes its modules only through package.json "exports"
 * ('@grafana/grafana-foundation-sdk/dashboard'), which the repository's `node` module resolution does
 * not read. Its types are therefore named by their file under dist/, and the modules loaded by their
 * public subpath, once, here.
 */
import type * as DashboardSdk from '@grafana/grafana-foundation-sdk/dist/dashboard';
import type * as HeatmapSdk from '@grafana/grafana-foundation-sdk/dist/heatmap';
import type * as PrometheusSdk from '@grafana/grafana-foundation-sdk/dist/prometheus';
import type * as StatSdk from '@grafana/grafana-foundation-sdk/dist/stat';
import type * as TimeseriesSdk from '@grafana/grafana-foundation-sdk/dist/timeseries';
import type * as CommonSdk from '@grafana/grafana-foundation-sdk/dist/common';

export const dashboardSdk: typeof DashboardSdk = require('@grafana/grafana-foundation-sdk/dashboard');
export const heatmapSdk: typeof HeatmapSdk = require('@grafana/grafana-foundation-sdk/heatmap');
export const prometheusSdk: typeof PrometheusSdk = require('@grafana/grafana-foundation-sdk/prometheus');
export const statSdk: typeof StatSdk = require('@grafana/grafana-foundation-sdk/stat');
export const timeseriesSdk: typeof TimeseriesSdk = require('@grafana/grafana-foundation-sdk/timeseries');
export const commonSdk: typeof CommonSdk = require('@grafana/grafana-foundation-sdk/common');

export type Dashboard = DashboardSdk.Dashboard;
