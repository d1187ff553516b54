"""Write the app's OpenAPI schema to openapi.json (``make openapi``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from gangway.core.config import Settings
from gangway.main import create_app


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "openapi.json")
    schema = create_app(Settings(_env_file=None)).openapi()  # type: ignore[call-arg]
    target.write_text(json.dumps(schema, indent=2, sort_keys=False) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
