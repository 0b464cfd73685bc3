"""npy_raw.py to-raw IN.npy OUT.bin | same A.npy B.(npy|bin) [dtype shape...]
to-raw: writes the array's bytes (C order); same: exits 1 unless the two
hold the same values (float32 within 1e-5 relative; a .bin is read as
float32 in A's shape)."""
import sys

import numpy as np

cmd = sys.argv[1]
if cmd == "to-raw":
    np.ascontiguousarray(np.load(sys.argv[2])).tofile(sys.argv[3])
elif cmd == "same":
    a = np.load(sys.argv[2])
    b = (np.fromfile(sys.argv[3], dtype=a.dtype).reshape(a.shape)
         if sys.argv[3].endswith(".bin") else np.load(sys.argv[3]))
    if a.shape != b.shape or not np.allclose(a, b, rtol=1e-5, atol=1e-6):
        print(f"DIFFER: {sys.argv[2]} vs {sys.argv[3]}")
        sys.exit(1)
    print("same")
