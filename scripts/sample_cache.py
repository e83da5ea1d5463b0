"""Write the cache the package ships for the bundled sample (src/jiceng/loaders/sample/cache),
from the sample's files: run it whenever they change (tests/test_cache.py compares them)."""

from jiceng.loaders.cache import SAMPLE_FOLDER, write_shipped
from jiceng.loaders.disk import read_folder

if __name__ == "__main__":
    write_shipped(read_folder(SAMPLE_FOLDER))
    print("wrote", SAMPLE_FOLDER / "cache")
