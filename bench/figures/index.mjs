// The figures, in the order of the table. `describe` is what --list prints.
import start from './start.mjs';
import exec from './exec.mjs';

start.describe = 'start overhead: INIT -- true, wall time, vs node -e 0';
exec.describe = 'time to child exec: INIT exec → child main(), vs node bootstrap';

export const FIGURES = [start, exec];
