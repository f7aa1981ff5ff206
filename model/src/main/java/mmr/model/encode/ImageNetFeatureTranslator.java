package mmr.model.encode;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.transform.CenterCrop;
import ai.djl.modality.cv.transform.Normalize;
import ai.djl.modality.cv.transform.ResizeShort;
import ai.djl.modality.cv.transform.ToTensor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Pipeline;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * Standard ImageNet preprocessing (shorter side 256, centre crop 224, per-channel normalisation)
 * and the model's output flattened into one feature vector.
 */
final class ImageNetFeatureTranslator implements Translator<Image, float[]> {
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};

    private final Pipeline pipeline = new Pipeline()
            .add(new ResizeShort(256, -1, Image.Interpolation.BILINEAR))
            .add(new CenterCrop(224, 224))
            .add(new ToTensor())
            .add(new Normalize(MEAN, STD));

    @Override
    public NDList processInput(TranslatorContext ctx, Image input) {
        NDArray array = input.toNDArray(ctx.getNDManager(), Image.Flag.COLOR);
        return pipeline.transform(new NDList(array));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        return list.singletonOrThrow().flatten().toFloatArray();
    }

    @Override
    public Batchifier getBatchifier() {
        return Batchifier.STACK;
    }
}
