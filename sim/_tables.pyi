# Type stub of the compiled appending of rows to a sim.state.Table (sim/_tables.pyx).
from typing import Any

import numpy as np
from numpy.typing import NDArray

def add(table: Any, n: int, values: dict[str, Any]) -> NDArray[np.int64]: ...
def expose(table: Any) -> None: ...
