/**
 * Generates tests/e2e/fixtures/stairwell-notice-2600x1950.jpg, the photo the field specs attach as
 * evidence: a real JPEG drawn and encoded by Chromium's canvas (`toBlob('image/jpeg')`), larger than
 * the app's 1920 px long edge so the on-device compression must act. Run once, the output is kept:
 *   npx tsx tests/e2e/support/make-photo-fixture.ts
 */
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../harness';
import { PHOTO_FIXTURE } from './photo';

const QUALITY = 0.4;

async function main(): Promise<void> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  const base64 = await page.evaluate(async ({ width, height, quality }) => {
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    const g = c.getContext('2d')!;
    // A stairwell at night: a dim wall, a lit doorway, a notice board with a tutoring poster.
    const wall = g.createLinearGradient(0, 0, 0, height);
    wall.addColorStop(0, '#3b4250');
    wall.addColorStop(1, '#1c2029');
    g.fillStyle = wall;
    g.fillRect(0, 0, width, height);
    const light = g.createRadialGradient(1700, 700, 50, 1700, 700, 1200);
    light.addColorStop(0, 'rgba(255,236,190,0.55)');
    light.addColorStop(1, 'rgba(255,236,190,0)');
    g.fillStyle = light;
    g.fillRect(0, 0, width, height);
    g.fillStyle = '#6b4f35';
    g.fillRect(1450, 380, 560, 1250);
    g.fillStyle = '#f3e2b5';
    g.fillRect(1480, 410, 500, 330);
    g.fillStyle = '#c9a27a';
    g.beginPath();
    g.arc(1930, 1050, 22, 0, 2 * Math.PI);
    g.fill();
    g.fillStyle = '#e8e6df';
    g.fillRect(300, 500, 820, 1000);
    g.fillStyle = '#d23b2f';
    g.fillRect(360, 560, 700, 160);
    g.fillStyle = '#fff';
    g.font = 'bold 110px sans-serif';
    g.fillText('暑期辅导班', 400, 680);
    g.fillStyle = '#333';
    g.font = '64px sans-serif';
    ['小学 初中 数学 英语', '一对一 小班课', '报名电话 138xxxx', '三楼 302 室'].forEach((t, i) => g.fillText(t, 380, 860 + i * 140));
    g.fillStyle = '#8a8f99';
    for (let i = 0; i < 9; i++) g.fillRect(0, 1650 + i * 34, width, 12);
    // A little sensor-like grain, so it compresses like a photo rather than a flat drawing.
    const img = g.getImageData(0, 0, width, height);
    let s = 7;
    for (let i = 0; i < img.data.length; i += 4 * 7) {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      const n = (s % 13) - 6;
      for (let c = 0; c < 3; c++) img.data[i + c] = img.data[i + c]! + n;
    }
    g.putImageData(img, 0, 0);
    const blob = await new Promise<Blob>((resolve, reject) =>
      c.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/jpeg', quality),
    );
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin);
  }, { width: PHOTO_FIXTURE.width, height: PHOTO_FIXTURE.height, quality: QUALITY });
  await browser.close();
  const bytes = Buffer.from(base64, 'base64');
  writeFileSync(PHOTO_FIXTURE.path, bytes);
  console.log(`${PHOTO_FIXTURE.path}: ${bytes.length} bytes`);
}

await main();
