//! Planning an upload: single PUT or multipart, and the parts within COS's limits
//! (at most 10,000 parts; every part but the last at least 1 MiB and at most 5 GiB).

/// COS's maximum number of parts in one multipart upload.
pub const MAX_PARTS: u32 = 10_000;
/// COS's minimum size of every part but the last.
pub const MIN_PART_SIZE: u64 = 1024 * 1024;
/// COS's maximum part size.
pub const MAX_PART_SIZE: u64 = 5 * 1024 * 1024 * 1024;
/// COS's maximum object size for a multipart upload (10,000 × 5 GiB).
pub const MAX_OBJECT_SIZE: u64 = MAX_PARTS as u64 * MAX_PART_SIZE;

/// Why an upload cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The requested part size is outside 1 MiB ..= 5 GiB.
    #[error("part size {0} is outside 1 MiB ..= 5 GiB")]
    PartSize(u64),
    /// The source is larger than COS accepts.
    #[error("{0} bytes exceed COS's maximum object size")]
    TooLarge(u64),
}

/// One part of a multipart upload (or one range of a download).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Part {
    /// 1-based part number.
    pub number: u32,
    /// Offset of the first byte in the source.
    pub offset: u64,
    /// Length in bytes.
    pub len: u64,
}

impl Part {
    /// One past the last byte.
    pub fn end(&self) -> u64 {
        self.offset + self.len
    }
}

/// How to upload a source of known size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadPlan {
    /// One PUT Object.
    Single,
    /// A multipart upload with these parts.
    Multipart(PartPlan),
}

/// The parts of a source of `size` bytes cut in `part_size` pieces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartPlan {
    size: u64,
    part_size: u64,
}

impl PartPlan {
    /// Plans `size` bytes with at least `requested_part_size` bytes per part, growing the
    /// part size (in whole MiB) as needed to stay within [`MAX_PARTS`].
    ///
    /// Errors: [`PlanError::PartSize`] when the requested size is outside 1 MiB..=5 GiB,
    /// [`PlanError::TooLarge`] beyond [`MAX_OBJECT_SIZE`].
    pub fn new(size: u64, requested_part_size: u64) -> Result<Self, PlanError> {
        if !(MIN_PART_SIZE..=MAX_PART_SIZE).contains(&requested_part_size) {
            return Err(PlanError::PartSize(requested_part_size));
        }
        if size > MAX_OBJECT_SIZE {
            return Err(PlanError::TooLarge(size));
        }
        let needed = size.div_ceil(u64::from(MAX_PARTS));
        let part_size = if needed > requested_part_size {
            needed.div_ceil(MIN_PART_SIZE) * MIN_PART_SIZE
        } else {
            requested_part_size
        }
        .min(MAX_PART_SIZE);
        Ok(Self { size, part_size })
    }

    /// Rebuilds a plan from a checkpoint's size and part size, without growing it.
    pub fn with_part_size(size: u64, part_size: u64) -> Result<Self, PlanError> {
        if part_size == 0 || part_size > MAX_PART_SIZE {
            return Err(PlanError::PartSize(part_size));
        }
        if size.div_ceil(part_size) > u64::from(MAX_PARTS) {
            return Err(PlanError::TooLarge(size));
        }
        Ok(Self { size, part_size })
    }

    /// Total size.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Size of every part but the last.
    pub fn part_size(&self) -> u64 {
        self.part_size
    }

    /// Number of parts (at least one, even for an empty source).
    pub fn count(&self) -> u32 {
        let n = self.size.div_ceil(self.part_size).max(1);
        u32::try_from(n).unwrap_or(MAX_PARTS)
    }

    /// Part `number` (1-based), if it exists.
    pub fn part(&self, number: u32) -> Option<Part> {
        if number == 0 || number > self.count() {
            return None;
        }
        let offset = u64::from(number - 1) * self.part_size;
        let len = self.part_size.min(self.size - offset.min(self.size));
        Some(Part {
            number,
            offset,
            len,
        })
    }

    /// Every part in order.
    pub fn parts(&self) -> impl Iterator<Item = Part> + '_ {
        (1..=self.count()).filter_map(|n| self.part(n))
    }
}

/// Settings that decide between single and multipart uploads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadSizing {
    /// Sources larger than this use multipart (default 20 MiB, as the official SDK).
    pub multipart_threshold: u64,
    /// Requested part size (default 16 MiB, measured with `cargo xtask bench transfer`).
    pub part_size: u64,
}

impl Default for UploadSizing {
    fn default() -> Self {
        Self {
            multipart_threshold: 20 * 1024 * 1024,
            part_size: 16 * 1024 * 1024,
        }
    }
}

impl UploadSizing {
    /// The plan for a source of `size` bytes.
    ///
    /// Errors: as [`PartPlan::new`].
    pub fn plan(&self, size: u64) -> Result<UploadPlan, PlanError> {
        if size <= self.multipart_threshold {
            if size > MAX_PART_SIZE {
                return PartPlan::new(size, self.part_size).map(UploadPlan::Multipart);
            }
            return Ok(UploadPlan::Single);
        }
        PartPlan::new(size, self.part_size).map(UploadPlan::Multipart)
    }
}
