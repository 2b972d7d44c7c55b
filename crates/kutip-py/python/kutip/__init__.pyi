from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Union

__version__: str

class KutipError(Exception): ...

class Model:
    """A tagger model written by `kutip train`, loaded once for many calls."""
    @staticmethod
    def load(path: str) -> "Model": ...

Document = Union[str, bytes, Mapping[str, Any]]

class Ledger(Mapping[str, Any]):
    """A document's ledger: the fields of the JSON contract, built on first access."""
    def to_dict(self) -> Dict[str, Any]: ...
    def to_json(self) -> str: ...
    def __getitem__(self, key: str) -> Any: ...
    def __getattr__(self, name: str) -> Any: ...

def extract(
    text: str,
    id: Optional[str] = ...,
    meta: Optional[Mapping[str, Optional[str]]] = ...,
    model: Optional[Model] = ...,
    html: bool = ...,
) -> Ledger: ...
def extract_many(
    documents: Iterable[Document],
    threads: Optional[int] = ...,
    model: Optional[Model] = ...,
) -> List[Ledger]: ...
def read_warc(path: Any, errors: str = ...) -> Iterator[Dict[str, Any]]: ...
def arrow_schemas() -> Dict[str, Any]: ...
def extract_arrow(
    batch: Any,
    text: str = ...,
    id: Optional[str] = ...,
    threads: Optional[int] = ...,
    model: Optional[Model] = ...,
    html: Optional[str] = ...,
) -> Dict[str, Any]: ...
