"""The sandbox image: Python with the service runtime, PostgreSQL and Redis, no network needed.

Two routes build the same image behind `ensure_image`:

- `dockerfile`: `Dockerfile` on `python:3.11-slim`, where a container registry answers;
- `offline`: a Debian root filesystem from `debootstrap` (`rootfs-base.sh`), the runtime
  installed in a chroot (`setup-runtime.sh`), then `docker import`; where none does.

Both install `sandbox/requirements.txt` from a wheelhouse the host fills with `pip download`
(`wheelhouse.py`); pip inside never reaches an index. The tag carries a content hash of
every input (`inputs.py`), so an image is built once per change of its inputs.
"""

from sandbox.image.build import BuildRoute, ensure_image, prune_images
from sandbox.image.inputs import image_tag
from sandbox.image.wheelhouse import ensure_wheelhouse

__all__ = ["BuildRoute", "ensure_image", "ensure_wheelhouse", "image_tag", "prune_images"]
