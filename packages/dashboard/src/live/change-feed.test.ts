import { describe, expect, it } from 'vitest';
import { createChangeFeed } from './change-feed';

describe('the change feed to open pages', () => {
  it('sends the models of a burst of loads as one announcement, each named once', async () => {
    const feed = createChangeFeed({ coalesceMs: 20 });
    const heard: (readonly string[])[] = [];
    feed.subscribe((keys) => heard.push(keys));

    feed.publish(['fact_sales_order', 'health']);
    feed.publish(['dim_design', 'health']);
    await new Promise((resolve) => setTimeout(resolve, 60));

    expect(heard).toEqual([['dim_design', 'fact_sales_order', 'health']]);
    feed.stop();
  });

  it('stops telling a page that has gone, and counts the pages that show the health', () => {
    const feed = createChangeFeed();
    const leave = feed.subscribe(() => {});
    feed.subscribe(() => {}, { watchesHealth: true });

    expect(feed.listeners()).toBe(2);
    expect(feed.listeners({ watchingHealth: true })).toBe(1);
    leave();
    expect(feed.listeners()).toBe(1);
    feed.stop();
  });
});
