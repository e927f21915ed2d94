#!/bin/sh
# Install PyTorch into the Python given as $1, choosing its build:
#   TORCH=auto (default)  CUDA build if `nvidia-smi` sees a GPU, else CPU build;
#                         a torch that is already installed is kept.
#   TORCH=cpu | cuda      that build, replacing any other.
#   TORCH=skip            install nothing (you manage torch yourself).
# On Linux, PyPI's torch wheels are CUDA builds (several GB); the CPU build
# comes from PyTorch's own CPU index (about 200 MB).
set -eu
PY=$1
VERSION=2.13.0
CPU_INDEX=${TORCH_CPU_INDEX:-https://download.pytorch.org/whl/cpu}
choice=${TORCH:-auto}

if [ "$choice" = auto ]; then
    if "$PY" -c "import torch" 2>/dev/null; then
        echo "torch already installed: $("$PY" -c 'import torch; print(torch.__version__)') (TORCH=cpu or TORCH=cuda replaces it)"
        exit 0
    fi
    if nvidia-smi -L >/dev/null 2>&1; then choice=cuda; else choice=cpu; fi
fi

case "$choice" in
    cuda)
        echo "Installing torch $VERSION, CUDA build"
        "$PY" -m pip install "torch==$VERSION" ;;
    cpu)
        echo "Installing torch $VERSION, CPU build"
        # torch alone from the CPU index, then its dependencies from PyPI.
        "$PY" -m pip install --retries 2 --no-deps --index-url "$CPU_INDEX" "torch==$VERSION"
        "$PY" -m pip install "torch==$VERSION" ;;
    skip)
        echo "TORCH=skip: not installing torch" ;;
    *)
        echo "TORCH must be auto, cpu, cuda or skip (got '$choice')" >&2
        exit 2 ;;
esac
