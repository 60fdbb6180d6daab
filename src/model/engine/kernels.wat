;; The training step's elementwise work in wasm SIMD (f32x4), in place on the tfjs wasm backend's own memory:
;; every pointer is a byte offset into that heap (a Buf's ptr), every count is in floats. kernels.ts loads it
;; and keeps the plain-JS loops beside it as the reference (test/unit/model/kernels.test.ts compares them).
;; Widths given as H must be multiples of 4 (the graphs take this path only then); n and the transpose's
;; sides may be anything (scalar tails).
(module
  (import "env" "memory" (memory 1))

  ;; z (rows, 4H) += x (rows, 4H); the g block [2H, 3H) of each row is then doubled (tanh = 2σ(2z) − 1).
  (func (export "lstmZ") (param $z i32) (param $x i32) (param $rows i32) (param $H i32)
    (local $end i32) (local $g0 i32) (local $g1 i32) (local $rowEnd i32) (local $p i32)
    (local.set $end (i32.add (local.get $z) (i32.mul (local.get $rows) (i32.shl (local.get $H) (i32.const 4)))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
        (local.set $g0 (i32.add (local.get $z) (i32.shl (local.get $H) (i32.const 3))))
        (local.set $g1 (i32.add (local.get $g0) (i32.shl (local.get $H) (i32.const 2))))
        (local.set $rowEnd (i32.add (local.get $z) (i32.shl (local.get $H) (i32.const 4))))
        (local.set $p (local.get $z))
        (loop $k
          (v128.store (local.get $p)
            (f32x4.add (v128.load (local.get $p)) (v128.load (local.get $x))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (br_if $k (i32.lt_u (local.get $p) (local.get $rowEnd))))
        (local.set $p (local.get $g0))
        (loop $g
          (v128.store (local.get $p)
            (f32x4.add (v128.load (local.get $p)) (v128.load (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br_if $g (i32.lt_u (local.get $p) (local.get $g1))))
        (local.set $z (local.get $rowEnd))
        (br $row))))

  ;; Per row of gates (rows, 4H) = σ(z_i) σ(z_f) σ(2z_g) σ(z_o): g = 2σ − 1 (stored back), c = f·c_prev + i·g,
  ;; cNew (rows, H) = c, twoC (rows, H) = 2c (the sigmoid input giving tanh c).
  (func (export "lstmCell") (param $gates i32) (param $cPrev i32) (param $cNew i32) (param $twoC i32)
    (param $rows i32) (param $H i32)
    (local $Hb i32) (local $k i32) (local $r i32) (local $i v128) (local $f v128) (local $g v128) (local $c v128)
    (local $one v128)
    (local.set $Hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $k (i32.const 0))
        (loop $col
          (local.set $i (v128.load (i32.add (local.get $gates) (local.get $k))))
          (local.set $f (v128.load (i32.add (i32.add (local.get $gates) (local.get $Hb)) (local.get $k))))
          (local.set $g (v128.load (i32.add (i32.add (local.get $gates) (i32.shl (local.get $Hb) (i32.const 1))) (local.get $k))))
          (local.set $g (f32x4.sub (f32x4.add (local.get $g) (local.get $g)) (local.get $one)))
          (v128.store (i32.add (i32.add (local.get $gates) (i32.shl (local.get $Hb) (i32.const 1))) (local.get $k)) (local.get $g))
          (local.set $c
            (f32x4.add
              (f32x4.mul (local.get $f) (v128.load (i32.add (local.get $cPrev) (local.get $k))))
              (f32x4.mul (local.get $i) (local.get $g))))
          (v128.store (i32.add (local.get $cNew) (local.get $k)) (local.get $c))
          (v128.store (i32.add (local.get $twoC) (local.get $k)) (f32x4.add (local.get $c) (local.get $c)))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $col (i32.lt_u (local.get $k) (local.get $Hb))))
        (local.set $gates (i32.add (local.get $gates) (i32.shl (local.get $Hb) (i32.const 2))))
        (local.set $cPrev (i32.add (local.get $cPrev) (local.get $Hb)))
        (local.set $cNew (i32.add (local.get $cNew) (local.get $Hb)))
        (local.set $twoC (i32.add (local.get $twoC) (local.get $Hb)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; Per row: tanhC (rows, H) = 2σ(2c) − 1 in place, h (rows, H) = o·tanh c with o the gates' last block.
  (func (export "lstmOut") (param $gates i32) (param $tanhC i32) (param $h i32) (param $rows i32) (param $H i32)
    (local $Hb i32) (local $k i32) (local $r i32) (local $tc v128) (local $one v128) (local $o i32)
    (local.set $Hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $o (i32.add (local.get $gates) (i32.mul (local.get $Hb) (i32.const 3))))
        (local.set $k (i32.const 0))
        (loop $col
          (local.set $tc (v128.load (i32.add (local.get $tanhC) (local.get $k))))
          (local.set $tc (f32x4.sub (f32x4.add (local.get $tc) (local.get $tc)) (local.get $one)))
          (v128.store (i32.add (local.get $tanhC) (local.get $k)) (local.get $tc))
          (v128.store (i32.add (local.get $h) (local.get $k))
            (f32x4.mul (v128.load (i32.add (local.get $o) (local.get $k))) (local.get $tc)))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $col (i32.lt_u (local.get $k) (local.get $Hb))))
        (local.set $gates (i32.add (local.get $gates) (i32.shl (local.get $Hb) (i32.const 2))))
        (local.set $tanhC (i32.add (local.get $tanhC) (local.get $Hb)))
        (local.set $h (i32.add (local.get $h) (local.get $Hb)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; Backward through one step for `rows` streams. dh = dHs + rec·dhRec; dc = dcNext + dh·o·(1 − tc²);
  ;; dZ (rows, 4H) = [dc·g·i(1−i) | dc·c_prev·f(1−f) | dc·i·(1−g²) | dh·tc·o(1−o)]; dcNext = dc·f (∂/∂c_{t−1}).
  (func (export "lstmBack") (param $dHs i32) (param $dhRec i32) (param $rec f32) (param $gates i32)
    (param $tanhC i32) (param $cPrev i32) (param $dZ i32) (param $dcNext i32) (param $rows i32) (param $H i32)
    (local $Hb i32) (local $k i32) (local $r i32) (local $one v128) (local $recv v128)
    (local $dh v128) (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $tc v128) (local $dc v128)
    (local $gp i32) (local $zp i32)
    (local.set $Hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $recv (f32x4.splat (local.get $rec)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $k (i32.const 0))
        (loop $col
          (local.set $gp (i32.add (local.get $gates) (local.get $k)))
          (local.set $zp (i32.add (local.get $dZ) (local.get $k)))
          (local.set $dh
            (f32x4.add (v128.load (i32.add (local.get $dHs) (local.get $k)))
              (f32x4.mul (local.get $recv) (v128.load (i32.add (local.get $dhRec) (local.get $k))))))
          (local.set $i (v128.load (local.get $gp)))
          (local.set $f (v128.load (i32.add (local.get $gp) (local.get $Hb))))
          (local.set $g (v128.load (i32.add (local.get $gp) (i32.shl (local.get $Hb) (i32.const 1)))))
          (local.set $o (v128.load (i32.add (local.get $gp) (i32.mul (local.get $Hb) (i32.const 3)))))
          (local.set $tc (v128.load (i32.add (local.get $tanhC) (local.get $k))))
          (local.set $dc
            (f32x4.add (v128.load (i32.add (local.get $dcNext) (local.get $k)))
              (f32x4.mul (f32x4.mul (local.get $dh) (local.get $o))
                (f32x4.sub (local.get $one) (f32x4.mul (local.get $tc) (local.get $tc))))))
          ;; ∂/∂z_i
          (v128.store (local.get $zp)
            (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dc) (local.get $g)) (local.get $i))
              (f32x4.sub (local.get $one) (local.get $i))))
          ;; ∂/∂z_f
          (v128.store (i32.add (local.get $zp) (local.get $Hb))
            (f32x4.mul
              (f32x4.mul (f32x4.mul (local.get $dc) (v128.load (i32.add (local.get $cPrev) (local.get $k)))) (local.get $f))
              (f32x4.sub (local.get $one) (local.get $f))))
          ;; ∂/∂z_g
          (v128.store (i32.add (local.get $zp) (i32.shl (local.get $Hb) (i32.const 1)))
            (f32x4.mul (f32x4.mul (local.get $dc) (local.get $i))
              (f32x4.sub (local.get $one) (f32x4.mul (local.get $g) (local.get $g)))))
          ;; ∂/∂z_o
          (v128.store (i32.add (local.get $zp) (i32.mul (local.get $Hb) (i32.const 3)))
            (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dh) (local.get $tc)) (local.get $o))
              (f32x4.sub (local.get $one) (local.get $o))))
          (v128.store (i32.add (local.get $dcNext) (local.get $k)) (f32x4.mul (local.get $dc) (local.get $f)))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $col (i32.lt_u (local.get $k) (local.get $Hb))))
        (local.set $gates (i32.add (local.get $gates) (i32.shl (local.get $Hb) (i32.const 2))))
        (local.set $dZ (i32.add (local.get $dZ) (i32.shl (local.get $Hb) (i32.const 2))))
        (local.set $dHs (i32.add (local.get $dHs) (local.get $Hb)))
        (local.set $dhRec (i32.add (local.get $dhRec) (local.get $Hb)))
        (local.set $tanhC (i32.add (local.get $tanhC) (local.get $Hb)))
        (local.set $cPrev (i32.add (local.get $cPrev) (local.get $Hb)))
        (local.set $dcNext (i32.add (local.get $dcNext) (local.get $Hb)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; A gate block's pre-activation, in place: dst (rows, w) = scale·(dst + x), x's rows ld floats apart (its
  ;; columns of a wider input projection, the bias folded in). GRU z|r: scale 1; GRU n and RNN u: scale 2,
  ;; the sigmoid input giving tanh as 2σ(2·) − 1.
  (func (export "gatePre") (param $dst i32) (param $x i32) (param $rows i32) (param $w i32) (param $ld i32)
    (param $scale f32)
    (local $wb i32) (local $xb i32) (local $k i32) (local $r i32) (local $s v128)
    (local.set $wb (i32.shl (local.get $w) (i32.const 2)))
    (local.set $xb (i32.shl (local.get $ld) (i32.const 2)))
    (local.set $s (f32x4.splat (local.get $scale)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $k (i32.const 0))
        (loop $col
          (v128.store (i32.add (local.get $dst) (local.get $k))
            (f32x4.mul (local.get $s)
              (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $k)))
                (v128.load (i32.add (local.get $x) (local.get $k))))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $col (i32.lt_u (local.get $k) (local.get $wb))))
        (local.set $dst (i32.add (local.get $dst) (local.get $wb)))
        (local.set $x (i32.add (local.get $x) (local.get $xb)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; p (n) = 2p − 1 in place: tanh u from p = σ(2u). The RNN's h_t.
  (func (export "tanhOfSig") (param $p i32) (param $n i32)
    (local $end i32) (local $one v128) (local $x v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $one (f32x4.splat (f32.const 1)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $x (v128.load (local.get $p)))
        (v128.store (local.get $p) (f32x4.sub (f32x4.add (local.get $x) (local.get $x)) (local.get $one)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l))))

  ;; GRU reset: q (rows, H) = r ⊙ h_{t−1}, r the second block of zr (rows, 2H) = σ(z pre) | σ(r pre).
  (func (export "gruQ") (param $zr i32) (param $hPrev i32) (param $q i32) (param $rows i32) (param $H i32)
    (local $Hb i32) (local $k i32) (local $r i32)
    (local.set $Hb (i32.shl (local.get $H) (i32.const 2)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $k (i32.const 0))
        (loop $col
          (v128.store (i32.add (local.get $q) (local.get $k))
            (f32x4.mul (v128.load (i32.add (i32.add (local.get $zr) (local.get $Hb)) (local.get $k)))
              (v128.load (i32.add (local.get $hPrev) (local.get $k)))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $col (i32.lt_u (local.get $k) (local.get $Hb))))
        (local.set $zr (i32.add (local.get $zr) (i32.shl (local.get $Hb) (i32.const 1))))
        (local.set $hPrev (i32.add (local.get $hPrev) (local.get $Hb)))
        (local.set $q (i32.add (local.get $q) (local.get $Hb)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; GRU output: n (rows, H) = 2σ − 1 in place (it holds σ(2·n pre)), h (rows, H) = z⊙h_{t−1} + (1−z)⊙n,
  ;; computed as n + z⊙(h_{t−1} − n); z the first block of zr (rows, 2H).
  (func (export "gruH") (param $zr i32) (param $n i32) (param $hPrev i32) (param $h i32) (param $rows i32)
    (param $H i32)
    (local $Hb i32) (local $k i32) (local $r i32) (local $one v128) (local $nv v128)
    (local.set $Hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $k (i32.const 0))
        (loop $col
          (local.set $nv (v128.load (i32.add (local.get $n) (local.get $k))))
          (local.set $nv (f32x4.sub (f32x4.add (local.get $nv) (local.get $nv)) (local.get $one)))
          (v128.store (i32.add (local.get $n) (local.get $k)) (local.get $nv))
          (v128.store (i32.add (local.get $h) (local.get $k))
            (f32x4.add (local.get $nv)
              (f32x4.mul (v128.load (i32.add (local.get $zr) (local.get $k)))
                (f32x4.sub (v128.load (i32.add (local.get $hPrev) (local.get $k))) (local.get $nv)))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $col (i32.lt_u (local.get $k) (local.get $Hb))))
        (local.set $zr (i32.add (local.get $zr) (i32.shl (local.get $Hb) (i32.const 1))))
        (local.set $n (i32.add (local.get $n) (local.get $Hb)))
        (local.set $hPrev (i32.add (local.get $hPrev) (local.get $Hb)))
        (local.set $h (i32.add (local.get $h) (local.get $Hb)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; RNN backward through one step: du (rows, H) = (dHs + rec·dhRec)·(1 − h²), h = tanh u the step's output.
  (func (export "rnnBack") (param $dHs i32) (param $dhRec i32) (param $rec f32) (param $h i32) (param $du i32)
    (param $rows i32) (param $H i32)
    (local $end i32) (local $one v128) (local $recv v128) (local $hv v128)
    (local.set $end (i32.add (local.get $du) (i32.mul (local.get $rows) (i32.shl (local.get $H) (i32.const 2)))))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $recv (f32x4.splat (local.get $rec)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $du) (local.get $end)))
        (local.set $hv (v128.load (local.get $h)))
        (v128.store (local.get $du)
          (f32x4.mul
            (f32x4.add (v128.load (local.get $dHs)) (f32x4.mul (local.get $recv) (v128.load (local.get $dhRec))))
            (f32x4.sub (local.get $one) (f32x4.mul (local.get $hv) (local.get $hv)))))
        (local.set $dHs (i32.add (local.get $dHs) (i32.const 16)))
        (local.set $dhRec (i32.add (local.get $dhRec) (i32.const 16)))
        (local.set $h (i32.add (local.get $h) (i32.const 16)))
        (local.set $du (i32.add (local.get $du) (i32.const 16)))
        (br $l))))

  ;; GRU backward, first half, per row: dh = dHs + rec·dhRec; into dU (rows, 3H) z|r|n the update and candidate
  ;; blocks, du_z = dh·(h_{t−1} − n)·z(1−z) and du_n = dh·(1−z)·(1−n²), du_n also into dUn (rows, H) (the
  ;; next gemm's operand); dhRec = dh·z, the direct path to h_{t−1} (in place: each dhRec is read first).
  (func (export "gruBackZN") (param $dHs i32) (param $dhRec i32) (param $rec f32) (param $zr i32) (param $n i32)
    (param $hPrev i32) (param $dU i32) (param $dUn i32) (param $rows i32) (param $H i32)
    (local $Hb i32) (local $k i32) (local $r i32) (local $one v128) (local $recv v128)
    (local $dh v128) (local $z v128) (local $nv v128) (local $dun v128)
    (local.set $Hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $recv (f32x4.splat (local.get $rec)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $k (i32.const 0))
        (loop $col
          (local.set $dh
            (f32x4.add (v128.load (i32.add (local.get $dHs) (local.get $k)))
              (f32x4.mul (local.get $recv) (v128.load (i32.add (local.get $dhRec) (local.get $k))))))
          (local.set $z (v128.load (i32.add (local.get $zr) (local.get $k))))
          (local.set $nv (v128.load (i32.add (local.get $n) (local.get $k))))
          ;; ∂/∂(z pre-activation)
          (v128.store (i32.add (local.get $dU) (local.get $k))
            (f32x4.mul
              (f32x4.mul (f32x4.mul (local.get $dh)
                (f32x4.sub (v128.load (i32.add (local.get $hPrev) (local.get $k))) (local.get $nv))) (local.get $z))
              (f32x4.sub (local.get $one) (local.get $z))))
          ;; ∂/∂(n pre-activation)
          (local.set $dun
            (f32x4.mul (f32x4.mul (local.get $dh) (f32x4.sub (local.get $one) (local.get $z)))
              (f32x4.sub (local.get $one) (f32x4.mul (local.get $nv) (local.get $nv)))))
          (v128.store (i32.add (i32.add (local.get $dU) (i32.shl (local.get $Hb) (i32.const 1))) (local.get $k))
            (local.get $dun))
          (v128.store (i32.add (local.get $dUn) (local.get $k)) (local.get $dun))
          (v128.store (i32.add (local.get $dhRec) (local.get $k)) (f32x4.mul (local.get $dh) (local.get $z)))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $col (i32.lt_u (local.get $k) (local.get $Hb))))
        (local.set $dHs (i32.add (local.get $dHs) (local.get $Hb)))
        (local.set $dhRec (i32.add (local.get $dhRec) (local.get $Hb)))
        (local.set $zr (i32.add (local.get $zr) (i32.shl (local.get $Hb) (i32.const 1))))
        (local.set $n (i32.add (local.get $n) (local.get $Hb)))
        (local.set $hPrev (i32.add (local.get $hPrev) (local.get $Hb)))
        (local.set $dU (i32.add (local.get $dU) (i32.mul (local.get $Hb) (i32.const 3))))
        (local.set $dUn (i32.add (local.get $dUn) (local.get $Hb)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; GRU backward, second half, per row, with dq = du_n·Rnᵀ (∂/∂(r⊙h_{t−1})): du_r = dq·h_{t−1}·r(1−r) into
  ;; dU's reset block; dUzr (rows, 2H) = du_z | du_r (the last gemm's operand); dhRec += dq·r.
  (func (export "gruBackR") (param $dq i32) (param $zr i32) (param $hPrev i32) (param $dU i32) (param $dUzr i32)
    (param $dhRec i32) (param $rows i32) (param $H i32)
    (local $Hb i32) (local $k i32) (local $r i32) (local $one v128) (local $dqv v128) (local $rv v128)
    (local $dur v128)
    (local.set $Hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $k (i32.const 0))
        (loop $col
          (local.set $dqv (v128.load (i32.add (local.get $dq) (local.get $k))))
          (local.set $rv (v128.load (i32.add (i32.add (local.get $zr) (local.get $Hb)) (local.get $k))))
          ;; ∂/∂(r pre-activation)
          (local.set $dur
            (f32x4.mul
              (f32x4.mul (f32x4.mul (local.get $dqv) (v128.load (i32.add (local.get $hPrev) (local.get $k))))
                (local.get $rv))
              (f32x4.sub (local.get $one) (local.get $rv))))
          (v128.store (i32.add (i32.add (local.get $dU) (local.get $Hb)) (local.get $k)) (local.get $dur))
          (v128.store (i32.add (local.get $dUzr) (local.get $k)) (v128.load (i32.add (local.get $dU) (local.get $k))))
          (v128.store (i32.add (i32.add (local.get $dUzr) (local.get $Hb)) (local.get $k)) (local.get $dur))
          (v128.store (i32.add (local.get $dhRec) (local.get $k))
            (f32x4.add (v128.load (i32.add (local.get $dhRec) (local.get $k)))
              (f32x4.mul (local.get $dqv) (local.get $rv))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $col (i32.lt_u (local.get $k) (local.get $Hb))))
        (local.set $dq (i32.add (local.get $dq) (local.get $Hb)))
        (local.set $zr (i32.add (local.get $zr) (i32.shl (local.get $Hb) (i32.const 1))))
        (local.set $hPrev (i32.add (local.get $hPrev) (local.get $Hb)))
        (local.set $dU (i32.add (local.get $dU) (i32.mul (local.get $Hb) (i32.const 3))))
        (local.set $dUzr (i32.add (local.get $dUzr) (i32.shl (local.get $Hb) (i32.const 1))))
        (local.set $dhRec (i32.add (local.get $dhRec) (local.get $Hb)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; dst[c·ld + r] = src[r·cols + c]: src (rows, cols) transposed into dst, whose rows are ld floats apart
  ;; (ld = rows: a whole transpose; ld > rows: a block of columns of a wider matrix). 4×4 tiles through
  ;; registers where rows and cols are multiples of 4, else one float at a time.
  (func (export "transpose") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $ld i32)
    (local $r i32) (local $c i32) (local $s i32) (local $d i32) (local $rb i32) (local $cb i32)
    (local $r0 i32) (local $rEnd i32)
    (local $a v128) (local $b v128) (local $x v128) (local $y v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rb (i32.shl (local.get $ld) (i32.const 2)))
    (local.set $cb (i32.shl (local.get $cols) (i32.const 2)))
    (if (i32.and (i32.eqz (i32.and (local.get $rows) (i32.const 3))) (i32.eqz (i32.and (local.get $cols) (i32.const 3))))
      (then
        ;; strips of 16 source rows: each column group of 4 then writes 64 contiguous bytes (a cache line) of
        ;; each of its 4 destination rows
        (block $done
          (loop $sl
            (br_if $done (i32.ge_u (local.get $r0) (local.get $rows)))
            (local.set $rEnd (select (i32.add (local.get $r0) (i32.const 16)) (local.get $rows)
              (i32.lt_u (i32.add (local.get $r0) (i32.const 16)) (local.get $rows))))
            (local.set $c (i32.const 0))
            (block $stripDone
              (loop $cl
                (br_if $stripDone (i32.ge_u (local.get $c) (local.get $cols)))
                (local.set $r (local.get $r0))
                (loop $rl
                  (local.set $s (i32.add (local.get $src)
                    (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))
                  (local.set $a (v128.load (local.get $s)))
                  (local.set $b (v128.load (i32.add (local.get $s) (local.get $cb))))
                  (local.set $x (v128.load (i32.add (local.get $s) (i32.shl (local.get $cb) (i32.const 1)))))
                  (local.set $y (v128.load (i32.add (local.get $s) (i32.mul (local.get $cb) (i32.const 3)))))
                  (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
                  (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
                  (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x) (local.get $y)))
                  (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x) (local.get $y)))
                  (local.set $d (i32.add (local.get $dst)
                    (i32.shl (i32.add (i32.mul (local.get $c) (local.get $ld)) (local.get $r)) (i32.const 2))))
                  (v128.store (local.get $d)
                    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                  (v128.store (i32.add (local.get $d) (local.get $rb))
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                  (v128.store (i32.add (local.get $d) (i32.shl (local.get $rb) (i32.const 1)))
                    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                  (v128.store (i32.add (local.get $d) (i32.mul (local.get $rb) (i32.const 3)))
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                  (local.set $r (i32.add (local.get $r) (i32.const 4)))
                  (br_if $rl (i32.lt_u (local.get $r) (local.get $rEnd))))
                (local.set $c (i32.add (local.get $c) (i32.const 4)))
                (br $cl)))
            (local.set $r0 (local.get $rEnd))
            (br $sl))))
      (else
        (block $done2
          (loop $rl2
            (br_if $done2 (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $c (i32.const 0))
            (block $rowDone2
              (loop $cl2
                (br_if $rowDone2 (i32.ge_u (local.get $c) (local.get $cols)))
                (f32.store
                  (i32.add (local.get $dst)
                    (i32.shl (i32.add (i32.mul (local.get $c) (local.get $ld)) (local.get $r)) (i32.const 2)))
                  (f32.load (i32.add (local.get $src)
                    (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $cl2)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rl2))))))

  ;; dst (n) += src (n): one row of a gather's gradient accumulated by token id.
  (func (export "addTo") (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32) (local $end4 i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $v
      (loop $l
        (br_if $v (i32.ge_u (local.get $dst) (local.get $end4)))
        (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $l)))
    (block $s
      (loop $l2
        (br_if $s (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $l2))))

  ;; Σ g² over n floats, summed in f64 (two lanes from each f32x4), for the global gradient norm.
  (func (export "sumSquares") (param $g i32) (param $n i32) (result f64)
    (local $end i32) (local $end4 i32) (local $acc v128) (local $x v128) (local $s f64) (local $y f64)
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $g) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $v
      (loop $l
        (br_if $v (i32.ge_u (local.get $g) (local.get $end4)))
        (local.set $x (v128.load (local.get $g)))
        (local.set $acc (f64x2.add (local.get $acc)
          (f64x2.add
            (f64x2.mul (f64x2.promote_low_f32x4 (local.get $x)) (f64x2.promote_low_f32x4 (local.get $x)))
            (f64x2.mul
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)))))))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $l)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
    (block $t
      (loop $l2
        (br_if $t (i32.ge_u (local.get $g) (local.get $end)))
        (local.set $y (f64.promote_f32 (f32.load (local.get $g))))
        (local.set $s (f64.add (local.get $s) (f64.mul (local.get $y) (local.get $y))))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (br $l2)))
    (local.get $s))

  ;; Adam over n floats with the clip folded in: g' = g·scale, m = b1·m + (1−b1)·g', v = b2·v + (1−b2)·g'²,
  ;; p −= lrT·m / (√v + eps), lrT carrying the bias corrections.
  (func (export "adam") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $scale f32) (param $b1 f32) (param $b2 f32) (param $lrT f32) (param $eps f32)
    (local $k i32) (local $n4 i32) (local $gk v128) (local $mk v128) (local $vk v128)
    (local $S v128) (local $B1 v128) (local $C1 v128) (local $B2 v128) (local $C2 v128) (local $LR v128) (local $EPS v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $S (f32x4.splat (local.get $scale)))
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $C1 (f32x4.splat (f32.sub (f32.const 1) (local.get $b1))))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $C2 (f32x4.splat (f32.sub (f32.const 1) (local.get $b2))))
    (local.set $LR (f32x4.splat (local.get $lrT)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $n4 (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $v
      (loop $l
        (br_if $v (i32.ge_u (local.get $k) (local.get $n4)))
        (local.set $gk (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $k))) (local.get $S)))
        (local.set $mk (f32x4.add (f32x4.mul (local.get $B1) (v128.load (i32.add (local.get $m) (local.get $k))))
          (f32x4.mul (local.get $C1) (local.get $gk))))
        (local.set $vk (f32x4.add (f32x4.mul (local.get $B2) (v128.load (i32.add (local.get $v) (local.get $k))))
          (f32x4.mul (f32x4.mul (local.get $C2) (local.get $gk)) (local.get $gk))))
        (v128.store (i32.add (local.get $m) (local.get $k)) (local.get $mk))
        (v128.store (i32.add (local.get $v) (local.get $k)) (local.get $vk))
        (v128.store (i32.add (local.get $p) (local.get $k))
          (f32x4.sub (v128.load (i32.add (local.get $p) (local.get $k)))
            (f32x4.div (f32x4.mul (local.get $LR) (local.get $mk))
              (f32x4.add (f32x4.sqrt (local.get $vk)) (local.get $EPS)))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $l)))
    (local.set $n (i32.shl (local.get $n) (i32.const 2)))
    (block $t
      (loop $l2
        (br_if $t (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $gs (f32.mul (f32.load (i32.add (local.get $g) (local.get $k))) (local.get $scale)))
        (local.set $ms (f32.add (f32.mul (local.get $b1) (f32.load (i32.add (local.get $m) (local.get $k))))
          (f32.mul (f32.sub (f32.const 1) (local.get $b1)) (local.get $gs))))
        (local.set $vs (f32.add (f32.mul (local.get $b2) (f32.load (i32.add (local.get $v) (local.get $k))))
          (f32.mul (f32.mul (f32.sub (f32.const 1) (local.get $b2)) (local.get $gs)) (local.get $gs))))
        (f32.store (i32.add (local.get $m) (local.get $k)) (local.get $ms))
        (f32.store (i32.add (local.get $v) (local.get $k)) (local.get $vs))
        (f32.store (i32.add (local.get $p) (local.get $k))
          (f32.sub (f32.load (i32.add (local.get $p) (local.get $k)))
            (f32.div (f32.mul (local.get $lrT) (local.get $ms))
              (f32.add (f32.sqrt (local.get $vs)) (local.get $eps)))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $l2))))
)
