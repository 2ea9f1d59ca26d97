// Icons as inline SVG built from path data: no icon font, nothing fetched.

const SVG = 'http://www.w3.org/2000/svg';

// [path data, filled?]: filled shapes use currentColor as fill, the others a 2px stroke.
const PATHS = {
  play: ['M8 5v14l11-7z', true],
  pause: ['M6 5h4v14H6zM14 5h4v14h-4z', true],
  next: ['M5 6l9 6-9 6zM16 6h2.5v12H16z', true],
  previous: ['M19 6l-9 6 9 6zM5.5 6H8v12H5.5z', true],
  shuffle: ['M3 7h3c5 0 6 10 11 10h3M3 17h3c2 0 3.2-1.4 4.2-3.2M13.8 10.2C14.8 8.4 16 7 18 7h2M17 4l3 3-3 3M17 14l3 3-3 3'],
  repeat: ['M4 11V9a2 2 0 0 1 2-2h13M16 4l3 3-3 3M20 13v2a2 2 0 0 1-2 2H5M8 20l-3-3 3-3'],
  repeatOne: ['M4 11V9a2 2 0 0 1 2-2h13M16 4l3 3-3 3M20 13v2a2 2 0 0 1-2 2H5M8 20l-3-3 3-3M11.5 10.5 13 9.5v5'],
  star: ['M12 3.5l2.6 5.4 5.9.8-4.3 4.1 1 5.8L12 16.8l-5.2 2.8 1-5.8-4.3-4.1 5.9-.8z'],
  starFilled: ['M12 3.5l2.6 5.4 5.9.8-4.3 4.1 1 5.8L12 16.8l-5.2 2.8 1-5.8-4.3-4.1 5.9-.8z', true],
  queue: ['M4 6h12M4 11h12M4 16h7M16 14v6l5-3z'],
  search: ['M10.5 4a6.5 6.5 0 1 1 0 13 6.5 6.5 0 0 1 0-13zM15.5 15.5 20 20'],
  more: ['M12 5.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zM12 10.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zM12 15.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3z', true],
  plus: ['M12 5v14M5 12h14'],
  close: ['M6 6l12 12M18 6 6 18'],
  up: ['M12 19V5M6 11l6-6 6 6'],
  grip: ['M7.4 6a1.6 1.6 0 1 0 3.2 0a1.6 1.6 0 1 0-3.2 0M13.4 6a1.6 1.6 0 1 0 3.2 0a1.6 1.6 0 1 0-3.2 0M7.4 12a1.6 1.6 0 1 0 3.2 0a1.6 1.6 0 1 0-3.2 0M13.4 12a1.6 1.6 0 1 0 3.2 0a1.6 1.6 0 1 0-3.2 0M7.4 18a1.6 1.6 0 1 0 3.2 0a1.6 1.6 0 1 0-3.2 0M13.4 18a1.6 1.6 0 1 0 3.2 0a1.6 1.6 0 1 0-3.2 0', true],
  down: ['M12 5v14M6 13l6 6 6-6'],
  trash: ['M5 7h14M10 7V4h4v3M7 7l1 13h8l1-13'],
  home: ['M4 11 12 4l8 7M6 10v10h12V10'],
  album: ['M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zM12 10a2 2 0 1 1 0 4 2 2 0 0 1 0-4z'],
  artist: ['M12 4a4 4 0 1 1 0 8 4 4 0 0 1 0-8zM4 20c1-4 4-6 8-6s7 2 8 6'],
  playlist: ['M4 6h11M4 11h11M4 16h6M18 5v10.5M18 15.5a2.5 2.5 0 1 1-2.5-2.5H18'],
  group: ['M8 6a3 3 0 1 1 0 6 3 3 0 0 1 0-6zM16.5 7a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5zM2.5 20c.8-3.5 3-5 5.5-5s4.7 1.5 5.5 5M14 15c2.6-.4 5.6.8 6.5 4.5'],
  volume: ['M4 9h4l5-4v14l-5-4H4zM16 9a4 4 0 0 1 0 6M18.5 6.5a7.5 7.5 0 0 1 0 11'],
  similar: ['M5 12a4 4 0 1 1 8 0 4 4 0 0 1-8 0zM11 12a4 4 0 1 1 8 0 4 4 0 0 1-8 0z'],
  user: ['M12 4a4 4 0 1 1 0 8 4 4 0 0 1 0-8zM4 20c1-4 4-6 8-6s7 2 8 6'],
  keyboard: ['M3 7h18v10H3zM6 10h1M9 10h1M12 10h1M15 10h1M18 10h0M7 14h10'],
  quality: ['M4 7h9M17 7h3M4 17h3M11 17h9M15 5v4M9 15v4'],
  music: ['M9 18V6l11-2v12M9 18a3 3 0 1 1-3-3h3M20 16a3 3 0 1 1-3-3h3'],
};

export function icon(name, { size = 24, label } = {}) {
  const [d, filled] = PATHS[name] ?? PATHS.music;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', size);
  svg.setAttribute('height', size);
  svg.setAttribute('class', 'icon');
  if (label) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
  } else {
    svg.setAttribute('aria-hidden', 'true');
  }
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  if (filled) {
    path.setAttribute('fill', 'currentColor');
  } else {
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', 'currentColor');
    path.setAttribute('stroke-width', '2');
    path.setAttribute('stroke-linecap', 'round');
    path.setAttribute('stroke-linejoin', 'round');
  }
  svg.append(path);
  return svg;
}
