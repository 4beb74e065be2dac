/**
 * The Leaflet side of GridMap, loaded on demand so Leaflet and its CSS stay out of the first-load
 * bundle. Geometry arrives in WGS-84 and is shifted to the tile source's system here, only for display.
 * Markers are DivIcons: Leaflet's default marker images would be fetched from its CSS paths.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './map.css';
import type { TileConfig, TileCrs } from '../../domain/config';
import type { Polygon } from '../../domain/entities';
import type { RiskLevel } from '../../domain/enums';
import { toDisplay } from './crs';
import { MAP_TEXT } from './text';
import { tileTemplate } from './tiles';

export interface MapPlace {
  id: string;
  name: string;
  lng: number;
  lat: number;
  riskLevel: RiskLevel;
  /** 1-based position in today's route; null for places not on it. */
  order: number | null;
}

export interface MapPosition {
  lng: number;
  lat: number;
  accuracyM: number;
}

export interface GridMapHandle {
  setData(boundaries: readonly Polygon[], places: readonly MapPlace[]): void;
  setPosition(position: MapPosition | null): void;
  destroy(): void;
}

/** Roughly the demo county, for an empty map. */
const FALLBACK_CENTER: L.LatLngExpression = [27.7, 106.93];

export function createGridMap(el: HTMLElement, tiles: TileConfig, onSelect: (placeId: string) => void): GridMapHandle {
  const template = tileTemplate(tiles);
  // Without a base map there is nothing to align with, so WGS-84 is drawn as is.
  const crs: TileCrs = template === null ? 'wgs84' : tiles.crs;
  const latLng = (lng: number, lat: number): L.LatLng => {
    const [x, y] = toDisplay(lng, lat, crs);
    return L.latLng(y, x);
  };

  const map = L.map(el, {
    center: FALLBACK_CENTER,
    zoom: 14,
    minZoom: tiles.minZoom,
    maxZoom: tiles.maxZoom,
    zoomControl: true,
    attributionControl: template !== null,
  });
  el.classList.toggle('gp-map--plain', template === null);
  if (template !== null) {
    L.tileLayer(template, {
      attribution: tiles.attribution,
      minZoom: tiles.minZoom,
      maxZoom: tiles.maxZoom,
      // CORS tiles can be stored by the service worker without Chromium's opaque-response quota padding.
      crossOrigin: template.startsWith('/') ? false : 'anonymous',
    }).addTo(map);
  }

  const boundaryLayer = L.layerGroup().addTo(map);
  const placeLayer = L.layerGroup().addTo(map);
  const positionLayer = L.layerGroup().addTo(map);
  let fitted = false;

  function setData(boundaries: readonly Polygon[], places: readonly MapPlace[]): void {
    boundaryLayer.clearLayers();
    placeLayer.clearLayers();
    for (const polygon of boundaries) {
      const rings = polygon.coordinates.map((ring) => ring.map(([lng, lat]) => latLng(lng, lat)));
      L.polygon(rings, { className: 'gp-boundary', color: '#1d6fe0', weight: 2, fillOpacity: 0.06, interactive: false }).addTo(boundaryLayer);
    }
    // Route order last so numbered markers sit above unnumbered ones.
    const sorted = [...places].sort((a, b) => (a.order ?? -1) - (b.order ?? -1));
    for (const place of sorted) {
      const icon = L.divIcon({
        className: `gp-marker gp-marker--${place.riskLevel}${place.order === null ? ' gp-marker--off-route' : ''}`,
        html: place.order === null ? '' : `<span>${place.order}</span>`,
        iconSize: place.order === null ? [18, 18] : [32, 32],
      });
      L.marker(latLng(place.lng, place.lat), {
        icon,
        title: `${place.order === null ? '' : `${place.order}. `}${place.name}（${MAP_TEXT.risk[place.riskLevel]}）`,
        keyboard: true,
      })
        .on('click', () => onSelect(place.id))
        .addTo(placeLayer);
    }
    if (!fitted) {
      const bounds = L.latLngBounds([]);
      boundaryLayer.eachLayer((layer) => bounds.extend((layer as L.Polygon).getBounds()));
      placeLayer.eachLayer((layer) => bounds.extend((layer as L.Marker).getLatLng()));
      if (bounds.isValid()) {
        // Not animated: leaving the page during a zoom animation makes Leaflet throw (`_leaflet_pos`).
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17, animate: false });
        fitted = true;
      }
    }
  }

  function setPosition(position: MapPosition | null): void {
    positionLayer.clearLayers();
    if (!position) return;
    const at = latLng(position.lng, position.lat);
    L.circle(at, { radius: position.accuracyM, className: 'gp-accuracy', weight: 1, interactive: false }).addTo(positionLayer);
    L.marker(at, {
      icon: L.divIcon({ className: 'gp-me', iconSize: [18, 18] }),
      title: `${MAP_TEXT.myPosition}，${MAP_TEXT.accuracy(position.accuracyM)}`,
      interactive: false,
      keyboard: false,
    }).addTo(positionLayer);
  }

  return {
    setData,
    setPosition,
    destroy: () => {
      // Stop a user's pan/zoom animation first, for the same reason.
      map.stop();
      map.off();
      map.remove();
    },
  };
}
