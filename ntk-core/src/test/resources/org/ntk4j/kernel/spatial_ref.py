# Reference values for SpatialReferenceTest (run by hand: python3 spatial_ref.py; never run by the tests).
# Independent numpy reference for the CNN kernels, following neural-tangents' definitions
# (full spatial covariances as 2S-dim arrays, padding by np.pad zeros/wrap, lax SAME pad split).
import numpy as np, itertools, sys
np.set_printoptions(precision=17)

def same_pads(n, f, s):
    out = -(-n // s)
    tot = max((out - 1) * s + f - n, 0)
    return tot // 2, tot - tot // 2

def conv_cov(K, f, s, pad, tied):
    # K: (n1, n2, H, W, H, W) full covariance; returns after window sum / normalisation
    S = 2
    H, W = K.shape[2], K.shape[3]
    if pad == 'VALID':
        lo = [0, 0]; Ho = (H - f[0]) // s[0] + 1; Wo = (W - f[1]) // s[1] + 1
        Kp = K
    else:
        (ly, hy), (lx, hx) = same_pads(H, f[0], s[0]), same_pads(W, f[1], s[1])
        mode = 'wrap' if pad == 'CIRCULAR' else 'constant'
        Kp = np.pad(K, [(0, 0), (0, 0), (ly, hy), (lx, hx), (ly, hy), (lx, hx)], mode=mode)
        Ho = -(-H // s[0]); Wo = -(-W // s[1])
    out = np.zeros(K.shape[:2] + (Ho, Wo, Ho, Wo))
    for a, b, c, d in itertools.product(range(Ho), range(Wo), range(Ho), range(Wo)):
        acc = 0
        for ty, tx in itertools.product(range(f[0]), range(f[1])):
            if tied:
                acc = acc + Kp[:, :, s[0]*a+ty, s[1]*b+tx, s[0]*c+ty, s[1]*d+tx]
            else:
                for ty2, tx2 in itertools.product(range(f[0]), range(f[1])):
                    acc = acc + Kp[:, :, s[0]*a+ty, s[1]*b+tx, s[0]*c+ty2, s[1]*d+tx2]
        out[:, :, a, b, c, d] = acc
    fs = f[0] * f[1]
    return out / (fs if tied else fs * fs)

def diag(K):
    n = K.shape[0]; H, W = K.shape[2], K.shape[3]
    return np.array([K[i, i] for i in range(n)])  # (n, H, W, H, W)

def selfvar(K):
    d = diag(K); n, H, W = d.shape[0], d.shape[1], d.shape[2]
    return np.array([[[d[i, y, x, y, x] for x in range(W)] for y in range(H)] for i in range(n)])

def relu(N, T):
    v = selfvar(N)  # (n, H, W)
    q11 = v[:, None, :, :, None, None]; q22 = v[None, :, None, None, :, :]
    prod = q11 * q22
    c = np.clip(N / np.sqrt(prod), -1, 1)
    th = np.arccos(c)
    N2 = np.sqrt(prod) / (2*np.pi) * (np.sin(th) + (np.pi - th) * c)
    T2 = T * (np.pi - th) / (2*np.pi)
    return N2, T2

def layernorm(N, T, eps=1e-12):
    v = selfvar(N)
    d = np.sqrt((eps + v[:, None, :, :, None, None]) * (eps + v[None, :, None, None, :, :]))
    return N / d, T / d

def conv_layer(N, T, f, s, pad, w, b, param='ntk', fan=None):
    cn = conv_cov(N, f, s, pad, True); ct = conv_cov(T, f, s, pad, True)
    b2 = 0 if b is None else b*b
    if param == 'ntk':
        N2 = w*w*cn + b2; T2 = w*w*ct + N2
    else:
        T2 = fan * cn + w*w*ct + (0 if b is None else 1); N2 = w*w*cn + b2
    return N2, T2

def pool(N, T, f, s, pad):
    return conv_cov(N, f, s, pad, False), conv_cov(T, f, s, pad, False)

def flatten(N, T):
    H, W = N.shape[2], N.shape[3]
    tr = lambda K: np.mean([K[:, :, y, x, y, x] for y in range(H) for x in range(W)], axis=0)
    return tr(N), tr(T)

def gap(N, T):
    return N.mean(axis=(2, 3, 4, 5)), T.mean(axis=(2, 3, 4, 5))

def dense(N, T, w, b, param='ntk', fan=None):
    b2 = 0 if b is None else b*b
    if param == 'ntk':
        N2 = w*w*N + b2; return N2, w*w*T + N2
    return w*w*N + b2, fan*N + w*w*T + (0 if b is None else 1)

def inputs(x):  # x: (n, H, W, C)
    C = x.shape[-1]
    N = np.einsum('ayxc,bzwc->abyxzw', x, x) / C
    return N, np.zeros_like(N)

def data(n, H, W, C, seed):
    k = np.arange(n*H*W*C, dtype=np.float64)
    return (np.sin(1.3*k + seed) + 0.5*np.cos(0.37*k*k + seed)).reshape(n, H, W, C)

def show(name, N, T):
    print(name)
    print('nngp', repr(N.ravel().tolist()))
    print('ntk ', repr(T.ravel().tolist()))

# A: 5x5x2, 3 images
x = data(3, 5, 5, 2, 1)
N, T = inputs(x)
N, T = conv_layer(N, T, (3, 3), (1, 1), 'SAME', 1.5, 0.1)
N, T = relu(N, T)
N, T = conv_layer(N, T, (3, 3), (2, 2), 'SAME', 1.5, None)
N, T = relu(N, T)
N, T = pool(N, T, (2, 2), (1, 1), 'SAME')
N, T = gap(N, T)
N, T = dense(N, T, 1.2, 0.2)
show('A', N, T)

# B: 4x5x1, 3 images, CIRCULAR 2x3 then VALID 3, Flatten
x = data(3, 4, 5, 1, 2)
N, T = inputs(x)
N, T = conv_layer(N, T, (2, 3), (1, 1), 'CIRCULAR', 1.3, 0.2)
N, T = relu(N, T)
N, T = conv_layer(N, T, (3, 3), (1, 1), 'VALID', 1.4, 0.1)
N, T = relu(N, T)
N, T = flatten(N, T)
N, T = dense(N, T, 1.1, None)
show('B', N, T)

# C: 1-D, L=7, C=3: Conv(3, stride=2, SAME) -> LayerNorm -> Relu -> AvgPool(2, stride=2) [VALID] -> Flatten -> Dense
x = data(3, 1, 7, 3, 3)
N, T = inputs(x)
N, T = conv_layer(N, T, (1, 3), (1, 2), 'SAME', 1.5, 0.3)
N, T = layernorm(N, T)
N, T = relu(N, T)
N, T = pool(N, T, (1, 2), (1, 2), 'VALID')
N, T = flatten(N, T)
N, T = dense(N, T, 1.0, 0.1)
show('C', N, T)

# D: standard parameterisation, 4x4x2: Conv(4, 3, SAME, W_std=1.5, b_std=0.1) -> Relu -> Flatten -> Dense(W_std=1.2, b_std=0.3)
x = data(3, 4, 4, 2, 4)
N, T = inputs(x)
N, T = conv_layer(N, T, (3, 3), (1, 1), 'SAME', 1.5, 0.1, 'standard', fan=2*9)
N, T = relu(N, T)
N, T = flatten(N, T)
N, T = dense(N, T, 1.2, 0.3, 'standard', fan=4*16)
show('D', N, T)

# E: 5x4x2: Conv(3, stride=2x1, SAME, W_std=1.4, b_std=0.2) -> Relu -> Conv(1x3, stride=1x2, CIRCULAR, W_std=1.3) -> Relu
#    -> AvgPool(2x1, stride=1, CIRCULAR) -> GlobalAvgPool -> Dense(W_std=1.1, b_std=0.1)
x = data(3, 5, 4, 2, 5)
N, T = inputs(x)
N, T = conv_layer(N, T, (3, 3), (2, 1), 'SAME', 1.4, 0.2)
N, T = relu(N, T)
N, T = conv_layer(N, T, (1, 3), (1, 2), 'CIRCULAR', 1.3, None)
N, T = relu(N, T)
N, T = pool(N, T, (2, 1), (1, 1), 'CIRCULAR')
N, T = gap(N, T)
N, T = dense(N, T, 1.1, 0.1)
show('E', N, T)
