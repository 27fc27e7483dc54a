/* clip.c - CLIP / RemoteCLIP in C: checkpoint reading, the BPE tokenizer,
   the image and text towers, and the gradient of the image-text cosine with
   respect to the input pixels.

   Included by rsedit.c after tensor.h; knows nothing of SinDDM or the CLI.
   Reads top to bottom: file formats -> tokenizer -> towers -> gradient.
*/

/* ===========================================================================
   File formats: inflate, zip, pickle subset, safetensors
   ========================================================================= */

/* ===========================================================================
   Tokenizer
   ========================================================================= */

/* ===========================================================================
   Towers
   ========================================================================= */

/* ===========================================================================
   Input gradient
   ========================================================================= */
